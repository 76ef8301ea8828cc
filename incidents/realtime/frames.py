"""HTML frames pushed over websockets: the page's own partials, marked for out-of-band swap.

Rendered per recipient (their rights, their time zone) after the access gate, so a frame
never carries what that user's own page load would not.
"""

from __future__ import annotations

import zoneinfo

from django.template.loader import render_to_string
from django.utils import timezone

from incidents.access import visible_incidents
from incidents.models import Event, Incident
from incidents.selectors import incident_header_context, list_row_context

DETAIL = "incidents/incident_detail.html"
LIST = "incidents/incident_list.html"
PAGE_SIZE = 100


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def incident_catch_up(
    *, user: object, incident_id: int, after_seq: int, tz: str | None
) -> tuple[str, int] | None:
    """The frame with every event after `after_seq` (at most PAGE_SIZE) plus the current
    header; None if the user may no longer see the incident. Returns (html, last_seq)."""
    incident = visible_incidents(user).filter(pk=incident_id).first()
    if incident is None:
        return None
    events = list(
        Event.objects.filter(incident_id=incident_id, seq__gt=after_seq)
        .select_related("actor")
        .order_by("seq")[:PAGE_SIZE]
    )
    if not events:
        return "", after_seq
    with timezone.override(_zone(tz)):
        html = _render_incident_frame(user, incident, events)
    return html, events[-1].seq


def _render_incident_frame(user: object, incident: Incident, events: list[Event]) -> str:
    header = render_to_string(
        f"{DETAIL}#incident-header", {**incident_header_context(incident, user), "oob": True}
    )
    items = render_to_string(f"{DETAIL}#timeline-oob", {"events": list(reversed(events))})
    marker = render_to_string(f"{DETAIL}#live-seq", {"seq": events[-1].seq, "oob": True})
    return header + items + marker


def dashboard_rows(
    *, user: object, incident_ids: list[int], opened_ids: list[int], tz: str | None
) -> str:
    """Re-rendered list rows for the changed incidents this user may see."""
    incidents = list(visible_incidents(user).filter(pk__in=incident_ids))
    if not incidents:
        return ""
    opened = set(opened_ids)
    with timezone.override(_zone(tz)):
        parts = []
        for incident in incidents:
            context = {
                **list_row_context(incident),
                "oob": "afterbegin:#incident-rows" if incident.pk in opened else "true",
            }
            parts.append(render_to_string(f"{LIST}#incident-row-oob", context))
    return "".join(parts)
