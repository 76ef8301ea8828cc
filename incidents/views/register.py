"""The breach register export: incidents the reader may see, as CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from incidents.access import Ability, may, visible_incidents
from incidents.regulation.register import register_csv, register_incidents
from incidents.services import security_log
from incidents.views.htmx import HtmxHttpRequest


@login_required
@require_GET
def breach_register(request: HtmxHttpRequest) -> HttpResponse:
    if not may(request.user, Ability.USE):
        raise Http404("No such page.")
    body = register_csv(register_incidents(visible_incidents(request.user)))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="breach-register-{timezone.now():%Y%m%d}.csv"'
    )
    security_log.record("export.register", actor=request.user, request=request)
    return response
