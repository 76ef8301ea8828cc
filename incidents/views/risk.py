"""The incident's risk assessment (ENISA): a new version on every save. A factor left blank
takes Breachroom's suggestion, drawn from the record and the circumstances typed here."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from incidents.access import incident_for, require_response_writer
from incidents.forms.risk import RiskForm
from incidents.regulation.severity import Suggestion
from incidents.selectors.obligations import risk_context
from incidents.services import ServiceError
from incidents.services.free_text import LooksSecret
from incidents.services.risk import assess_risk, suggestion_for
from incidents.views.htmx import UNPROCESSABLE, HtmxHttpRequest, form_errors_text


def _factor(value: object, suggested: Decimal) -> Decimal:
    return suggested if value in (None, "") else Decimal(str(value))


def _rationale(typed: str, taken: bool, reasons: list[str]) -> str:
    """The assessor's words; for a factor taken as suggested, the suggestion's reasons when
    they wrote none. A factor moved from the suggestion keeps needing its own rationale."""
    return typed if typed.strip() or not taken else " ".join(reasons)


def _assess(request: HtmxHttpRequest, incident: object, form: RiskForm) -> None:
    data = form.cleaned_data
    circumstances = form.circumstances()
    suggested: Suggestion = suggestion_for(incident, circumstances)  # type: ignore[arg-type]
    malicious = suggested.malicious if data["malicious"] is None else data["malicious"] == "yes"
    cb_taken = all(
        data[name] in (None, "")
        for name in ("confidentiality", "integrity", "availability", "malicious")
    )
    reasons = suggested.reasons
    assess_risk(
        incident=incident,  # type: ignore[arg-type]
        by=request.user,
        dpc=_factor(data["dpc"], suggested.dpc),
        ei=_factor(data["ei"], suggested.ei),
        confidentiality=_factor(data["confidentiality"], suggested.confidentiality),
        integrity=_factor(data["integrity"], suggested.integrity),
        availability=_factor(data["availability"], suggested.availability),
        malicious=malicious,
        dpc_rationale=_rationale(data["dpc_rationale"], data["dpc"] is None, reasons["dpc"]),
        ei_rationale=_rationale(data["ei_rationale"], data["ei"] is None, reasons["ei"]),
        cb_rationale=_rationale(data["cb_rationale"], cb_taken, reasons["cb"]),
        circumstances=circumstances,
        measures_text=data["measures_text"],
        level=data["level"],
        level_rationale=data["level_rationale"],
        secrets=request.POST.get("secrets", ""),
    )


@login_required
@require_POST
def risk_assess(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    form, error, looks_secret = RiskForm(request.POST, auto_id="risk-%s"), "", False
    if not form.is_valid():
        error = form_errors_text(form)
    else:
        try:
            _assess(request, incident, form)
        except ServiceError as refused:
            error = " ".join(refused.messages)
            looks_secret = isinstance(refused, LooksSecret)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("incidents:detail", reference=reference)
    context = {
        **risk_context(incident, request.user),
        "risk_error": error,
        "looks_secret": looks_secret,
        **({"risk_form": form} if error else {}),
    }
    return render(
        request,
        "incidents/incident_detail.html#risk",
        context,
        status=UNPROCESSABLE if error else 200,
    )
