"""A large import's page: its progress while it runs (polled), then its report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from incidents.access import Ability, may
from incidents.models import ImportJob
from incidents.views.htmx import HtmxHttpRequest

RUNNING = (ImportJob.State.QUEUED, ImportJob.State.CHECKING, ImportJob.State.WRITING)


@login_required
@require_GET
def import_job(request: HtmxHttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.defer("data"), pk=job_id)
    if job.created_by_id != request.user.pk and not may(request.user, Ability.GRANT_ROLES):
        raise Http404("No such import.")
    template = "incidents/import_job.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"job": job, "running": job.state in RUNNING})
