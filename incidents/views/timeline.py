"""An incident's timeline at its own address: loaded into the incident page when scrolled
into view (htmx), and a page of its own without JavaScript or from a bookmark."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from incidents.access import require_pass
from incidents.rendering.store import personalise
from incidents.rendering.timeline import timeline
from incidents.selectors.incidents import TIMELINE_KINDS
from incidents.views.htmx import HtmxHttpRequest, wants_partial


@login_required
@require_GET
def incident_timeline(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    gate = require_pass(request.user, reference)
    before = _positive_int(request.GET.get("before"))
    # `timeline` is the name the filter takes in a page's address (pushed by the filter
    # links, so Back and bookmarks keep it); `kind` is the fragment's own parameter.
    kind = request.GET.get("kind") or request.GET.get("timeline", "")
    kind = kind if kind in TIMELINE_KINDS else ""
    if wants_partial(request):
        html = timeline(gate, kind, before, whole_section=before is None)
        return HttpResponse(personalise(html, get_token(request)))
    html = timeline(gate, kind, before, whole_section=True)
    context = {
        "reference": gate.reference,
        "title": gate.title,
        "timeline_html": mark_safe(personalise(html, get_token(request))),  # noqa: S308
    }
    return render(request, "incidents/timeline_page.html", context)


def _positive_int(raw: str | None) -> int | None:
    """A cursor from the query string; junk is treated as absent, never an error page."""
    if raw is None or not raw.isdigit() or len(raw) > 9:
        return None
    return int(raw) or None
