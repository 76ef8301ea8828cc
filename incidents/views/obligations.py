"""Notification duties: deciding one on its incident, and the dashboard across incidents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from incidents.access import Ability, incident_for, may, visible_incidents
from incidents.forms.obligations import DutyOwnerForm, MeetForm, WaiveForm
from incidents.models import Incident, Notice, Obligation, ObligationState
from incidents.selectors.obligations import obligations_context, open_obligations
from incidents.selectors.pagination import CappedPaginator
from incidents.services import ServiceError, obligations
from incidents.views.htmx import UNPROCESSABLE, HtmxHttpRequest, form_errors_text

PAGE_SIZE = 50
STATES = {
    "open": "Open",
    "met": "Met",
    "waived": "Waived",
    "not_required": "Not required",
    "all": "All",
}


def _deciding(request: HtmxHttpRequest, reference: str, pk: int) -> tuple[Incident, Obligation]:
    incident = incident_for(request.user, reference)
    if not may(request.user, Ability.DECIDE_OBLIGATIONS):
        raise PermissionDenied("Your role cannot decide notification duties.")
    obligation = Obligation.objects.filter(incident=incident, pk=pk).first()
    if obligation is None:
        raise Http404("No such duty on this incident.")
    return incident, obligation


@login_required
@require_POST
def obligation_meet(request: HtmxHttpRequest, reference: str, pk: int) -> HttpResponse:
    incident, obligation = _deciding(request, reference, pk)
    success = f"Recorded: “{obligation.name}” met."
    form, error = MeetForm(request.POST), ""
    if not form.is_valid():
        error = form_errors_text(form)
    else:
        data = form.cleaned_data
        notice = None
        if data["notice"]:
            notice = Notice.objects.filter(incident=incident, pk=data["notice"]).first()
            if notice is None:
                error = "No such notice on this incident."
        if not error:
            try:
                obligations.meet(
                    obligation=obligation,
                    by=request.user,
                    notice=notice,
                    filed_at=data["filed_at"],
                    reference=data["reference"],
                    late_reason=data["late_reason"],
                )
            except ServiceError as refused:
                error = " ".join(refused.messages)
    return _section(request, incident, error, obligation.pk, success)


@login_required
@require_POST
def obligation_waive(request: HtmxHttpRequest, reference: str, pk: int) -> HttpResponse:
    incident, obligation = _deciding(request, reference, pk)
    form, error = WaiveForm(request.POST), ""
    if not form.is_valid():
        error = form_errors_text(form)
    else:
        try:
            obligations.waive(
                obligation=obligation,
                by=request.user,
                reason=form.cleaned_data["reason"],
                exception=form.cleaned_data["exception"],
            )
        except ServiceError as refused:
            error = " ".join(refused.messages)
    return _section(request, incident, error, obligation.pk)


@login_required
@require_POST
def obligation_owner(request: HtmxHttpRequest, reference: str, pk: int) -> HttpResponse:
    """Given an owner by those who decide duties; the owner is told and reminded."""
    incident, obligation = _deciding(request, reference, pk)
    form, error = DutyOwnerForm(request.POST), ""
    if not form.is_valid():
        error = form_errors_text(form)
    else:
        try:
            obligations.set_owner(
                obligation=obligation, owner=form.cleaned_data["owner"], by=request.user
            )
        except ServiceError as refused:
            error = " ".join(refused.messages)
    return _section(request, incident, error, obligation.pk)


def _section(
    request: HtmxHttpRequest, incident: Incident, error: str, pk: int, success: str = ""
) -> HttpResponse:
    if not request.htmx:
        if error:
            messages.error(request, error)
        elif success:
            messages.success(request, success)
        return redirect("incidents:detail", reference=incident.reference)
    context = {
        **obligations_context(incident, request.user),
        "obligation_error": error,
        "error_for": pk if error else None,
        "posted": request.POST if error else {},
    }
    return render(
        request,
        "incidents/incident_detail.html#obligations",
        context,
        status=UNPROCESSABLE if error else 200,
    )


@login_required
@require_GET
def obligation_dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """Every duty on the incidents this user may see, what is due first on top."""
    if not may(request.user, Ability.USE):
        raise Http404("No such page.")
    state = request.GET.get("state", "open")
    if state not in STATES:
        state = "open"
    rows = open_obligations(visible_incidents(request.user), state)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/obligations.html",
        {
            "page": page,
            "state": state,
            "states": STATES,
            "state_label": STATES[state],
            "open_state": ObligationState.OPEN,
            "now": timezone.now(),
        },
    )
