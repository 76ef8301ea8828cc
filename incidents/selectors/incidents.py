"""The read side: what each page and partial shows, with query counts flat in data size."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from incidents.access import Ability, may
from incidents.forms.incidents import TransitionForm, moves_from
from incidents.forms.triage import NoteForm, assignable_users
from incidents.models import (
    KEY_TIMES,
    DataCategory,
    Event,
    Exposure,
    ExposureStatus,
    Incident,
)
from incidents.selectors.evidence import backings, files_by_target

TIMELINE_PAGE = 50
NOTES_SHOWN = 20
# Timeline filter: kind -> verb prefix
TIMELINE_KINDS = {
    "status": ("incident.opened", "incident.status_changed"),
    "fields": ("incident.field_changed",),
    "exposures": ("exposure.",),
    "notes": ("note.",),
    "checks": ("check.",),
    "rotations": ("rotation.",),
    "checklist": ("checklist.", "deadline."),
    "notices": ("notice.",),
    "duties": ("obligation.", "risk."),
    "evidence": ("evidence.", "confirmation.", "bundle."),
}
EDITABLE_FACTS = (
    "title",
    "severity",
    "commander",
    "assignees",
    "breach_vector",
    "data_role",
    "controller",
    "affected_systems",
    "tags",
    *KEY_TIMES,
    "chat_webhook",
)


def incident_header_context(
    incident: Incident, user: Any, form: TransitionForm | None = None
) -> dict:
    can_write = may(user, Ability.WRITE_RESPONSE)
    moves = moves_from(incident.status)
    return {
        "incident": incident,
        "can_write": can_write,
        "transition_form": form or (TransitionForm(choices=moves) if can_write and moves else None),
    }


def incident_with_relations(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    return queryset.select_related(
        "commander", "breach_vector", "duplicate_of", "controller"
    ).prefetch_related("assignees", "tags", "affected_systems")


@dataclass(frozen=True)
class TimelinePage:
    """Newest first, by sequence cursor: live events prepended above never shift the
    pages below, unlike offset pagination."""

    events: list[Event]
    older_than: int | None
    kind: str = ""


def timeline_page(
    incident_id: int, before: int | None = None, kind: str = "", upto: int | None = None
) -> TimelinePage:
    """`upto`: the last seq to show (the one the access gate read), so a page and the live
    frames that follow it never show an event twice."""
    events: QuerySet[Event] = Event.objects.filter(incident_id=incident_id).order_by("-seq")
    if upto is not None:
        events = events.filter(seq__lte=upto)
    if kind in TIMELINE_KINDS:
        match = Q()
        for prefix in TIMELINE_KINDS[kind]:
            match |= Q(verb__startswith=prefix)
        events = events.filter(match)
    else:
        kind = ""
    if before is not None:
        events = events.filter(seq__lt=before)
    rows = list(events[: TIMELINE_PAGE + 1])
    older = rows[TIMELINE_PAGE - 1].seq if len(rows) > TIMELINE_PAGE else None
    return TimelinePage(rows[:TIMELINE_PAGE], older, kind)


@dataclass(frozen=True)
class ExposureMatrix:
    """Exposures grouped by status with totals of the low-high estimates."""

    rows: list[Exposure]
    totals: dict[str, dict[str, Any]] = field(default_factory=dict)


def exposure_matrix(incident: Incident, rows: list[Exposure] | None = None) -> ExposureMatrix:
    """`rows`: the incident's exposures with category and decider, if already read."""
    if rows is None:
        rows = list(incident.exposures.select_related("category", "decided_by"))
    else:
        rows = list(rows)  # sorted here: the caller's list stays as it was
    order = {ExposureStatus.CONFIRMED: 0, ExposureStatus.SUSPECTED: 1, ExposureStatus.RULED_OUT: 2}
    rows.sort(key=lambda e: (order[ExposureStatus(e.status)], e.category.name))
    totals: dict[str, dict[str, Any]] = {}
    for status in (ExposureStatus.CONFIRMED, ExposureStatus.SUSPECTED, ExposureStatus.RULED_OUT):
        group = [e for e in rows if e.status == status]
        totals[status.value] = {
            "label": status.label,
            "count": len(group),
            "records": _sum_range(group, "records"),
            "people": _sum_range(group, "people"),
        }
    return ExposureMatrix(rows, totals)


def _sum_range(group: list[Exposure], what: str) -> tuple[int, int] | None:
    lows = [getattr(e, f"{what}_low") for e in group if getattr(e, f"{what}_low") is not None]
    highs = [getattr(e, f"{what}_high") for e in group if getattr(e, f"{what}_high") is not None]
    return (sum(lows), sum(highs)) if lows else None


def exposure_section_context(
    incident: Incident, user: Any, rows: list[Exposure] | None = None
) -> dict:
    return {
        "incident": incident,
        "matrix": exposure_matrix(incident, rows),
        "can_write": may(user, Ability.WRITE_RESPONSE),
        "backing": backings(incident.pk, "exposure"),
    }


def notes_context(incident: Incident, user: Any) -> dict:
    notes = list(incident.notes.select_related("author")[:NOTES_SHOWN])
    can_write = may(user, Ability.WRITE_RESPONSE)
    return {
        "incident": incident,
        "notes": notes,
        "can_write": can_write,
        "note_form": NoteForm() if can_write else None,
        "linked": files_by_target(incident.pk).get("note", {}),
    }


def timeline_context(gate: Any, before: int | None, kind: str) -> dict:
    """The timeline's partials for an access-gate Pass, up to the seq it read."""
    return {
        "reference": gate.reference,
        "timeline": timeline_page(gate.incident_id, before, kind, upto=gate.seq),
        "timeline_kinds": list(TIMELINE_KINDS),
    }


def people_choices() -> list[tuple[str, str]]:
    """Who can be chosen as commander or assignee: (username, name shown)."""
    return [(u.username, u.get_full_name() or u.username) for u in assignable_users()]


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """Options for the list's people and category filters (rendered by hand: Django's
    widget templates cost more than the whole result table)."""
    categories = list(DataCategory.objects.values_list("slug", "name"))
    return {"people": people_choices(), "categories": categories}
