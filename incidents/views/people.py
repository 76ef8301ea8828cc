"""People and their access, for admins: roles, the MFA each role requires, sessions, and
sign-ins paused by repeated failures. Every change goes through a service and onto the
security log."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from incidents.access import Ability, require
from incidents.roles import ALL_ROLES, ROLE_LABELS
from incidents.services import ServiceError, people
from incidents.services.roles import set_roles
from incidents.signin.lockout import unlock
from incidents.signin.mfa_policy import required_roles
from incidents.views.htmx import AuthedRequest

PAGE_SIZE = 50


@login_required
@require_GET
def people_page(request: AuthedRequest) -> HttpResponse:
    require(request.user, Ability.GRANT_ROLES)
    users = (
        User.objects.order_by("username")
        .annotate(session_count=Count("breachroom_sessions", distinct=True))
        .annotate(factors=Count("authenticator", distinct=True))
        .prefetch_related(Prefetch("groups"))
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    locked = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).order_by("-attempt_time")[:100]
    context = {
        "page": page,
        "roles": [(role, ROLE_LABELS[role]) for role in ALL_ROLES],
        "mfa_required": required_roles(),
        "locked": locked,
    }
    return render(request, "incidents/people.html", context)


def _done(request: AuthedRequest, act: object, success: str) -> HttpResponse:
    try:
        act()  # type: ignore[operator]
    except ServiceError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, success)
    return redirect("people")


@login_required
@require_POST
def person_roles(request: AuthedRequest, user_id: int) -> HttpResponse:
    require(request.user, Ability.GRANT_ROLES)
    person = get_object_or_404(User, pk=user_id)
    wanted = set(request.POST.getlist("roles"))
    return _done(
        request,
        lambda: set_roles(
            user=person,
            roles=wanted,
            by=request.user,
            request=request,
            keep_session=request.session.session_key if person == request.user else None,
        ),
        f"Roles of {person.get_username()} saved; their other sessions end.",
    )


@login_required
@require_POST
def person_sessions_end(request: AuthedRequest, user_id: int) -> HttpResponse:
    require(request.user, Ability.GRANT_ROLES)
    person = get_object_or_404(User, pk=user_id)
    return _done(
        request,
        lambda: people.end_sessions_of(user=person, by=request.user, request=request),
        f"{person.get_username()} is signed out everywhere.",
    )


@login_required
@require_POST
def mfa_policy(request: AuthedRequest) -> HttpResponse:
    require(request.user, Ability.GRANT_ROLES)
    required = set(request.POST.getlist("required"))
    return _done(
        request,
        lambda: people.set_mfa_policy(required=required, by=request.user, request=request),
        "Saved: the roles ticked need a second factor from their next sign-in.",
    )


@login_required
@require_POST
def unlock_sign_in(request: AuthedRequest) -> HttpResponse:
    require(request.user, Ability.GRANT_ROLES)
    username = request.POST.get("username", "")[:150]
    address = request.POST.get("address", "")[:45]
    return _done(
        request,
        lambda: unlock(by=request.user, username=username, address=address, request=request),
        "Unlocked.",
    )
