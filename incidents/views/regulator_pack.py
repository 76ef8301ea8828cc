"""The regulator pack of an incident: a page that lists what is missing, and the PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from incidents.access import incident_for
from incidents.regulation.pack import build_pack
from incidents.regulation.pack_pdf import pack_pdf as render_pdf
from incidents.services import security_log
from incidents.views.htmx import HtmxHttpRequest


@login_required
@require_GET
def pack_page(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = incident_for(request.user, reference)
    return render(request, "incidents/regulator_pack.html", {"pack": build_pack(incident)})


@login_required
@require_GET
def pack_pdf(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = incident_for(request.user, reference)
    response = HttpResponse(render_pdf(build_pack(incident)), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{incident.reference}-regulator-pack.pdf"'
    )
    security_log.record(
        "export.regulator_pack",
        actor=request.user,
        request=request,
        details={"incident": incident.reference},
    )
    return response
