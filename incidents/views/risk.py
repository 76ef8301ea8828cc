"""The incident's risk assessment (ENISA): a new version on every save."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from incidents.access import incident_for, require_response_writer
from incidents.selectors_obligations import risk_context
from incidents.services import ServiceError
from incidents.services.risk import assess_risk
from incidents.views.htmx import UNPROCESSABLE, HtmxHttpRequest


def _decimal(raw: str | None) -> Decimal:
    try:
        return Decimal(raw or "")
    except InvalidOperation:
        raise ServiceError(f"{raw!r} is not a number.") from None


@login_required
@require_POST
def risk_assess(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    data, error = request.POST, ""
    try:
        assess_risk(
            incident=incident,
            by=request.user,
            dpc=_decimal(data.get("dpc")),
            ei=_decimal(data.get("ei")),
            confidentiality=_decimal(data.get("confidentiality", "0")),
            integrity=_decimal(data.get("integrity", "0")),
            availability=_decimal(data.get("availability", "0")),
            malicious=data.get("malicious") == "on",
            dpc_rationale=data.get("dpc_rationale", "")[:2000],
            ei_rationale=data.get("ei_rationale", "")[:2000],
            cb_rationale=data.get("cb_rationale", "")[:2000],
        )
    except ServiceError as refused:
        error = " ".join(refused.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("incidents:detail", reference=reference)
    context = {
        **risk_context(incident, request.user),
        "risk_error": error,
        "posted": data if error else {},
    }
    return render(
        request,
        "incidents/incident_detail.html#risk",
        context,
        status=UNPROCESSABLE if error else 200,
    )
