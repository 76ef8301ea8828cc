"""Four-eyes from the incident page: ask a second person to confirm ruling a category out or
an old key dead, and answer such an ask (services/confirmations.py). Plain forms: the page
comes back whole with what happened said at its top."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from incidents.access import incident_for, require_response_writer
from incidents.models import Confirmation, Exposure, Incident, RotationTask
from incidents.services import ServiceError, confirmations
from incidents.views.htmx import AuthedRequest

SUBJECTS = {"exposure": Exposure, "rotation": RotationTask}


def _back_to(incident: Incident, kind: str) -> HttpResponse:
    if kind == "rotation":
        return redirect(reverse("incidents:rotations", args=[incident.reference]))
    return redirect(reverse("incidents:detail", args=[incident.reference]) + "#exposures")


@login_required
@require_POST
def confirmation_ask(request: AuthedRequest, reference: str) -> HttpResponse:
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    kind = request.POST.get("kind", "")
    model = SUBJECTS.get(kind)
    target_id = request.POST.get("target", "")
    if model is None or not target_id.isdigit():
        raise Http404("Nothing to ask about.")
    target = model._default_manager.filter(incident=incident, pk=int(target_id)).first()
    if target is None:
        raise Http404("No such item on this incident.")
    try:
        confirmations.ask(
            incident=incident,
            kind=kind,
            target=target,
            justification=request.POST.get("justification", ""),
            by=request.user,
        )
    except ServiceError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, "Asked: a second person with response rights can confirm it.")
    return _back_to(incident, kind)


@login_required
@require_POST
def confirmation_answer(
    request: AuthedRequest, reference: str, confirmation_id: int
) -> HttpResponse:
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    asked = Confirmation.objects.filter(incident=incident, pk=confirmation_id).first()
    if asked is None:
        raise Http404("No such ask on this incident.")
    confirm = request.POST.get("answer") == "confirm"
    try:
        confirmations.answer(
            confirmation=asked, confirm=confirm, note=request.POST.get("note", ""), by=request.user
        )
    except ServiceError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, "Confirmed: the status is changed." if confirm else "Declined.")
    return _back_to(incident, confirmations.kind_of(asked))
