"""The timeline as shared renderings: a page of events is keyed by the head of the chain
it ends at (seq and hash: the hash names every event before it too), the filter and the
cursor, the role set and the zone."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from incidents.access import Pass
from incidents.rendering import store
from incidents.rendering.incident_sections import DETAIL
from incidents.selectors import incidents as selectors


def timeline(gate: Pass, kind: str, before: int | None, *, whole_section: bool) -> str:
    """The timeline section (or, with `before`, the older page) as of the gate's seq."""
    zone = timezone.get_current_timezone_name()
    part = "timeline-section" if whole_section else "timeline-page"
    cache_key = store.key(
        "timeline",
        gate.incident_id,
        gate.seq,
        gate.head_hash,
        kind,
        before,
        part,
        gate.viewer.key,
        zone,
    )

    def draw() -> str:
        context = selectors.timeline_context(gate, before, kind)
        return render_to_string(f"{DETAIL}#{part}", context)

    return store.fetch({cache_key: draw})[cache_key]
