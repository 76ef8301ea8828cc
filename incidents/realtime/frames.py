"""HTML frames pushed over websockets: the page's own partials, marked for out-of-band swap.

Rendered per recipient (their rights, their time zone) after the access gate, so a frame
never carries what that user's own page load would not.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from incidents import selectors, selectors_notices, selectors_obligations, selectors_response
from incidents.access import visible_incidents
from incidents.forms_triage import IncidentFilterForm
from incidents.models import Event, Incident
from incidents.user_zone import UTC, parse_zone

DETAIL = "incidents/incident_detail.html"
LIST = "incidents/incident_list.html"
PAGE_SIZE = 100


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    return parse_zone(name) or UTC


def incident_catch_up(
    *, user: Any, incident_id: int, after_seq: int, tz: str | None
) -> tuple[str, int] | None:
    """The frame with every event after `after_seq` (at most PAGE_SIZE) plus the sections
    those events touched; None if the user may no longer see the incident.
    Returns (html, last_seq)."""
    incidents = selectors.incident_with_relations(visible_incidents(user).filter(pk=incident_id))
    incident = incidents.first()
    if incident is None:
        return None
    events = list(
        Event.objects.filter(incident_id=incident_id, seq__gt=after_seq).order_by("seq")[:PAGE_SIZE]
    )
    if not events:
        return "", after_seq
    with timezone.override(_zone(tz)):
        html = _render_incident_frame(user, incident, events)
    return html, events[-1].seq


def _render_incident_frame(user: Any, incident: Incident, events: list[Event]) -> str:
    verbs = {event.verb.split(".", 1)[0] for event in events}
    parts = []
    if "incident" in verbs:
        header = selectors.incident_header_context(incident, user)
        parts.append(render_to_string(f"{DETAIL}#incident-header", {**header, "oob": True}))
        for fact in _changed_facts(events):
            context = {
                "incident": incident,
                "fact": fact,
                "can_write": header["can_write"],
                "oob": True,
            }
            parts.append(render_to_string(f"{DETAIL}#fact", context))
    if "exposure" in verbs:
        context = selectors.exposure_section_context(incident, user)
        parts.append(render_to_string(f"{DETAIL}#exposures", {**context, "oob": True}))
    if verbs & {"rotation", "deadline"}:
        context = selectors_response.rotation_section_context(incident, user)
        parts.append(render_to_string(f"{DETAIL}#rotations", {**context, "oob": True}))
    if verbs & {"checklist", "check", "deadline"}:
        context = selectors_response.checklist_context(incident, user)
        parts.append(render_to_string(f"{DETAIL}#checklist", {**context, "oob": True}))
    if "risk" in verbs:
        context = selectors_obligations.risk_context(incident, user)
        parts.append(render_to_string(f"{DETAIL}#risk", {**context, "oob": True}))
    if verbs & {"exposure", "incident", "risk", "obligation", "notice"}:
        context = selectors_obligations.obligations_context(incident, user)
        parts.append(render_to_string(f"{DETAIL}#obligations", {**context, "oob": True}))
    if verbs & {"notice", "exposure"}:
        context = selectors_notices.notices_section_context(incident, user)
        parts.append(render_to_string(f"{DETAIL}#notices", {**context, "oob": True}))
    if "note" in verbs:
        context = selectors.notes_context(incident, user)
        parts.append(render_to_string(f"{DETAIL}#notes", {**context, "oob": True}))
    parts.append(render_to_string(f"{DETAIL}#timeline-oob", {"events": list(reversed(events))}))
    parts.append(render_to_string(f"{DETAIL}#live-seq", {"seq": events[-1].seq, "oob": True}))
    return "".join(parts)


def _changed_facts(events: list[Event]) -> list[str]:
    """Only the facts these events changed: re-rendering the others would close an editor
    someone has open on them for nothing."""
    facts = (*selectors.EDITABLE_FACTS, "summary")
    changed: set[str] = set()
    for event in events:
        if event.verb == "incident.opened":
            return list(facts)
        if event.verb.startswith("incident."):
            changed |= set(event.after)
    return [fact for fact in facts if fact in changed]


def dashboard_rows(
    *, user: Any, incident_ids: list[int], opened_ids: list[int], filters: str, tz: str | None
) -> str:
    """List rows for changed incidents this user may see: new ones that match the viewer's
    filters are prepended, changed ones replaced, ones that no longer match removed."""
    visible = list(
        selectors.with_overdue_work(
            visible_incidents(user).filter(pk__in=incident_ids).select_related("commander")
        )
    )
    if not visible:
        return ""
    form = IncidentFilterForm(QueryDict(filters))
    form.is_valid()
    matching = set(
        selectors.filtered_incidents(user, form.cleaned_data)
        .filter(pk__in=[i.pk for i in visible])
        .values_list("pk", flat=True)
    )
    opened = set(opened_ids)
    parts = []
    with timezone.override(_zone(tz)):
        for incident in visible:
            if incident.pk not in matching:
                swap = "delete"
            else:
                swap = "afterbegin" if incident.pk in opened else "true"
            context = {**selectors.list_row_context(incident), "oob": swap}
            parts.append(render_to_string(f"{LIST}#incident-row-oob", context))
    return "".join(parts)
