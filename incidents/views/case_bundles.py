"""Exporting a whole case: ask for it (anyone who may see the incident, auditors included:
handing them a record is the point), then follow the build on its page and download the
ZIP through the evidence download, which puts the copy on the chain."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from incidents.access import incident_for
from incidents.models import CaseBundle
from incidents.services import ServiceError, case_bundles
from incidents.views.htmx import HtmxHttpRequest

PAGE = "incidents/case_bundle.html"


@login_required
@require_POST
def bundle_request(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = incident_for(request.user, reference)
    try:
        job = case_bundles.request_bundle(incident=incident, by=request.user)
    except ServiceError as refused:
        messages.error(request, " ".join(refused.messages))
        running = CaseBundle.objects.filter(incident=incident).first()
        if running is None:
            return redirect("incidents:evidence", reference=incident.reference)
        job = running
    return redirect("incidents:bundle", reference=incident.reference, bundle_id=job.pk)


@login_required
@require_GET
def bundle_page(request: HtmxHttpRequest, reference: str, bundle_id: int) -> HttpResponse:
    incident = incident_for(request.user, reference)
    job = CaseBundle.objects.filter(incident=incident, pk=bundle_id).select_related(
        "evidence__blob", "requested_by"
    )
    found = job.first()
    if found is None:
        raise Http404("No such export of this case.")
    template = f"{PAGE}#progress" if request.htmx else PAGE
    response = render(request, template, {"incident": incident, "job": found})
    response["Cache-Control"] = "no-store"
    return response
