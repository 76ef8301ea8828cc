"""The security log for admins and auditors: newest first, with the chain's verification,
and an export (JSON Lines, one event a line) an auditor can re-hash without Breachroom."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from incidents.access import Ability, require
from incidents.audit import chain_row, verify_security_log
from incidents.models import SECURITY_CHAIN, SecurityEvent
from incidents.services import security_log
from incidents.views.htmx import AuthedRequest

PAGE_SIZE = 100


@login_required
@require_GET
def security_log_page(request: AuthedRequest) -> HttpResponse:
    require(request.user, Ability.READ_SECURITY_LOG)
    verb = request.GET.get("verb", "")[:64]
    events = SecurityEvent.objects.order_by("-seq")
    if verb:
        events = events.filter(verb=verb)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    verbs = SecurityEvent.objects.order_by("verb").values_list("verb", flat=True).distinct()
    context = {
        "page": page,
        "verb": verb,
        "verbs": list(verbs),
        "verification": verify_security_log(),
    }
    return render(request, "incidents/security_log.html", context)


@login_required
@require_GET
def security_log_export(request: AuthedRequest) -> StreamingHttpResponse:
    require(request.user, Ability.READ_SECURITY_LOG)
    security_log.record("export.security_log", actor=request.user, request=request)

    def lines() -> Iterator[str]:
        header = {"chain": SECURITY_CHAIN, "hash": "sha256, incidents/services/hashing.py"}
        yield json.dumps(header) + "\n"
        for event in SecurityEvent.objects.order_by("seq").iterator(chunk_size=2000):
            yield json.dumps(chain_row(event), ensure_ascii=False) + "\n"

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson")
    response["Content-Disposition"] = (
        f'attachment; filename="security-log-{timezone.now():%Y%m%d}.jsonl"'
    )
    return response
