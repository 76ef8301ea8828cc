"""The read side: what each page and partial shows, with query counts flat in data size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from incidents.access import visible_incidents
from incidents.forms import TransitionForm, moves_from
from incidents.models import Event, Incident
from incidents.roles import can_write_response

TIMELINE_PAGE = 50
LIST_PAGE = 50


def incident_header_context(
    incident: Incident, user: Any, form: TransitionForm | None = None
) -> dict:
    can_write = can_write_response(user)
    moves = moves_from(incident.status)
    return {
        "incident": incident,
        "can_write": can_write,
        "transition_form": form or (TransitionForm(choices=moves) if can_write and moves else None),
    }


@dataclass(frozen=True)
class TimelinePage:
    """Newest first, by sequence cursor: live events prepended above never shift the
    pages below, unlike offset pagination."""

    events: list[Event]
    older_than: int | None


def timeline_page(incident: Incident, before: int | None = None) -> TimelinePage:
    events: QuerySet[Event] = incident.events.order_by("-seq")
    if before is not None:
        events = events.filter(seq__lt=before)
    rows = list(events[:TIMELINE_PAGE])
    older = rows[-1].seq if rows and rows[-1].seq > 1 else None
    return TimelinePage(rows, older)


def incident_page_context(incident: Incident, user: Any, before: int | None = None) -> dict:
    return {
        **incident_header_context(incident, user),
        "timeline": timeline_page(incident, before),
        "seq": incident.event_seq,
    }


def list_row_context(incident: Incident) -> dict:
    return {"incident": incident}


def incident_list_page(user: Any, page_number: Any = 1) -> Page:
    incidents = visible_incidents(user).order_by("-created_at", "-pk")
    return Paginator(incidents, LIST_PAGE).get_page(page_number)
