"""Which people must have a second factor, and holding them to it.

A role can require MFA (models.RoleMfaPolicy; admins and incident commanders by default).
At sign-in the session learns whether its person must still enrol; until they do, every
page but the enrolment pages (and signing out) sends them there. Decided once per session,
so an ordinary request costs no query; a policy change takes effect at the next sign-in,
and the admin page that changes it can end the affected sessions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from incidents.models import RoleMfaPolicy
from incidents.roles import ADMIN, ALL_ROLES, COMMANDER, roles_of

SESSION_KEY = "breachroom_mfa"
OK, ENROL = "ok", "enrol"
OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/", "/static/")


# A role with no policy row yet keeps the default: a missing row never weakens sign-in.
DEFAULT_REQUIRED = frozenset({ADMIN, COMMANDER})


def required_roles() -> frozenset[str]:
    rows = dict(RoleMfaPolicy.objects.values_list("role", "mfa_required"))
    return frozenset(role for role in ALL_ROLES if rows.get(role, role in DEFAULT_REQUIRED))


def has_second_factor(user: Any) -> bool:
    return (
        Authenticator.objects.filter(user=user)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def must_enrol(user: Any) -> bool:
    return bool(roles_of(user) & required_roles()) and not has_second_factor(user)


def decide(session: Any, user: Any, *, idp_vouched: bool = False) -> str:
    """At sign-in: OK, or ENROL when a role requires MFA the person has not set up. A
    sign-in through the organisation's IdP is vouched for by it (OIDC_TRUST_IDP_MFA)."""
    state = OK if idp_vouched or not must_enrol(user) else ENROL
    session[SESSION_KEY] = state
    return state


def pending(session: Any) -> bool:
    return session.get(SESSION_KEY) == ENROL


class MfaEnrolmentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            state = request.session.get(SESSION_KEY) or decide(request.session, user)
            if state == ENROL and not request.path.startswith(OPEN_PREFIXES):
                if not has_second_factor(user):
                    return self._to_enrolment(request)
                request.session[SESSION_KEY] = OK
        return self.get_response(request)

    def _to_enrolment(self, request: HttpRequest) -> HttpResponse:
        messages.warning(
            request,
            "Your role requires a second factor: add an authenticator app or a passkey "
            "before you continue.",
        )
        target = reverse("mfa_index")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
