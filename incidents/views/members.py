"""Members of an incident (who sees a restricted one): added and removed by admins and
incident commanders, each change an event on the incident's chain."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from incidents.access import Ability, incident_for, require
from incidents.services import ServiceError
from incidents.services.memberships import set_member
from incidents.views.htmx import AuthedRequest


def _change(request: AuthedRequest, reference: str, member: bool) -> HttpResponse:
    incident = incident_for(request.user, reference)
    require(request.user, Ability.MANAGE_MEMBERS)
    username = request.POST.get("username", "").strip()[:150]
    person = User.objects.filter(username=username).first()
    if person is None:
        messages.error(request, f"No account named “{username}”.")
    else:
        try:
            changed = set_member(incident=incident, user=person, member=member, by=request.user)
        except ServiceError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            verb = "added to" if member else "removed from"
            if changed:
                messages.success(request, f"{username} {verb} the members.")
    return redirect("incidents:detail", reference=incident.reference)


@login_required
@require_POST
def member_add(request: AuthedRequest, reference: str) -> HttpResponse:
    return _change(request, reference, member=True)


@login_required
@require_POST
def member_remove(request: AuthedRequest, reference: str) -> HttpResponse:
    return _change(request, reference, member=False)
