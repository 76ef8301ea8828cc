"""Editing one field of an incident, refusing silent overwrites.

Each edit carries `was`: the field's value as the editor saw it (`token_of`). If the field
changed meanwhile, the save is refused with a conflict that shows the current value; edits
to other fields never conflict.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from incidents.access import Ability, may
from incidents.models import (
    KEY_TIMES,
    BreachVector,
    DataRole,
    Incident,
    Partner,
    Severity,
    System,
    Tag,
)
from incidents.services import ServiceError, free_text, obligations, probe_secrets
from incidents.services.events import append_event
from incidents.services.locking import lock_incident
from incidents.services.times import check_time_order

SCALAR_TEXT = ("title", "summary")
MANY = ("assignees", "tags", "affected_systems")
# Facts the notification rules read: a change recomputes the duties.
RULE_FACTS = ("aware_at", "data_role", "controller")
EDITABLE = (
    *SCALAR_TEXT,
    "severity",
    "commander",
    "breach_vector",
    "data_role",
    "controller",
    *MANY,
    *KEY_TIMES,
    "chat_webhook",
)


# Who may edit a field, where it is not every response writer: where the team's channel
# posts is for commanders and admins to say. Views and the facts section both read this.
EDIT_ABILITY: dict[str, Ability] = {"chat_webhook": Ability.MANAGE_MEMBERS}


def may_edit(user: Any, field: str) -> bool:
    return may(user, Ability.WRITE_RESPONSE) and may(
        user, EDIT_ABILITY.get(field, Ability.WRITE_RESPONSE)
    )


def editable_fields(user: Any, fields: tuple[str, ...] | list[str]) -> set[str]:
    return {field for field in fields if may_edit(user, field)}


class EditConflict(ServiceError):
    """Someone else changed this field since the editor loaded it."""

    def __init__(self, field: str, current: Any) -> None:
        self.field, self.current = field, current
        super().__init__(
            f"Someone changed this while you were editing; it is now: {current or '(empty)'}."
        )


def token_of(incident: Incident, field: str) -> str:
    """A stable string for the field's current value, for the editor's `was`."""
    value = display_of(incident, field)
    return "|".join(value) if isinstance(value, list) else str(value or "")


def display_of(incident: Incident, field: str) -> Any:
    """The field's value in words, as events record it and the conflict message shows it."""
    if field in MANY:
        manager = getattr(incident, field)
        if field == "assignees":
            return sorted(u.get_username() for u in manager.all())
        return sorted(item.name for item in manager.all())
    value = getattr(incident, field)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()  # UTC in the data, whatever zone typed it
    if isinstance(value, User):
        return value.get_username()
    if isinstance(value, BreachVector | Partner):
        return value.name
    return value if value is not None else ""


def update_field(
    *,
    incident: Incident,
    field: str,
    value: Any,
    was: str,
    by: Any,
    secrets: str = free_text.ASK,
) -> Incident:
    """`secrets`: what to do with a summary that looks like a live secret."""
    if field not in EDITABLE:
        raise ServiceError(f"{field!r} cannot be edited.")
    if field in SCALAR_TEXT:
        value = free_text.guard({field: str(value or "")}, secrets, by=by)[field]
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        if token_of(locked, field) != was:
            raise EditConflict(field, _as_text(display_of(locked, field)))
        before = {field: display_of(locked, field)}
        if field == "detected_at" and locked.detected_assumed:
            before["detected_assumed"] = True  # a person now says when: logged as such
        moved = _assumed_detection_moved(locked, field, value)
        if moved:
            before["detected_at"] = display_of(locked, "detected_at")
            locked.detected_at = value
        _apply(locked, field, value)
        after = {name: display_of(locked, name) for name in before}
        if before == after:
            return locked
        append_event(
            incident=locked,
            verb="incident.field_changed",
            actor=by,
            before=before,
            after=after,
        )
        if field in RULE_FACTS:  # the regulators' clocks start here; roles decide duties
            obligations.recompute(incident=locked, by=by)
        _tell_whom_it_gives_work(locked, field, before, by)
    return locked


def _assumed_detection_moved(incident: Incident, field: str, value: Any) -> bool:
    """An earlier "became aware" moves a "detected" Breachroom assumed at opening along with
    it (detection cannot come after awareness); one a person entered is never moved, and
    the order check names both times instead."""
    return bool(
        field == "aware_at"
        and incident.detected_assumed
        and isinstance(value, datetime)
        and incident.detected_at is not None
        and value < incident.detected_at
    )


def _tell_whom_it_gives_work(incident: Incident, field: str, before: Any, by: Any) -> None:
    """The new commander, and each new assignee, is told."""
    from incidents.services.notifications import incident_path, notify

    if field == "commander" and incident.commander is not None:
        people, words = [incident.commander], "made you incident commander of"
    elif field == "assignees":
        people = [u for u in incident.assignees.all() if u.get_username() not in before]
        words = "assigned you to"
    else:
        return
    for person in people:
        notify(
            user=person,
            incident=incident,
            text=f"{by} {words} {incident.reference}",
            path=incident_path(incident),
            by=by,
        )


def _as_text(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def _apply(incident: Incident, field: str, value: Any) -> None:
    if field in MANY:
        _apply_many(incident, field, value)
        return
    if field == "title" and not str(value).strip():
        raise ServiceError("An incident needs a title.")
    if field == "severity" and value not in Severity.values:
        raise ServiceError(f"Unknown severity {value!r}.")
    if field == "data_role" and value not in DataRole.values:
        raise ServiceError(f"Unknown role {value!r}: controller or processor.")
    if field == "chat_webhook":
        value = str(value or "").strip() or None
        if value is not None and not probe_secrets.is_active(value):
            raise ServiceError(
                f"{value} is not a registered secret reference: an admin registers the "
                "webhook's URL under Probe secrets first."
            )
    setattr(incident, field, value.strip() if isinstance(value, str) else value)
    if field == "detected_at":
        incident.detected_assumed = False  # a person has said when
    if field in KEY_TIMES:
        check_time_order(incident)
    incident.search_text = search_text_for(incident)
    incident.save()


def _apply_many(incident: Incident, field: str, value: list[Any]) -> None:
    if field == "tags":
        value = [Tag.objects.get_or_create(name=name)[0] for name in value]
    elif field == "affected_systems":
        value = [System.objects.get_or_create(name=name)[0] for name in value]
    getattr(incident, field).set(value)
    incident.search_text = search_text_for(incident)
    incident.save(update_fields=["updated_at", "search_text"])


# The newest notes' text kept for search, at most this much (a long response's notes
# would otherwise make every incident's search text as long as its history).
SEARCHED_NOTES = 50_000


def search_text_for(incident: Incident) -> str:
    """What the list's search reads: reference, title, summary, affected systems, tags,
    exposure evidence and the newest notes (an `internal-content-api` search finds the
    incident it hit). An incident not saved yet has only its own columns."""
    parts = [incident.reference, incident.title, incident.summary]
    if incident.pk is not None:
        parts += list(incident.affected_systems.values_list("name", flat=True))
        parts += list(incident.tags.values_list("name", flat=True))
        parts += [e for e in incident.exposures.values_list("evidence", flat=True) if e]
        kept = 0
        newest = incident.notes.order_by("-created_at", "-pk").values_list("body", flat=True)
        for body in newest[:500]:
            if kept + len(body) > SEARCHED_NOTES:
                break
            parts.append(body)
            kept += len(body)
    return " ".join(parts).lower()


def refresh_search_text(incident: Incident) -> None:
    """After a change to something the search reads but the incident's row does not hold
    (systems, tags, exposures, notes); inside the writer's transaction. No page shows the
    search text, so writing it moves no revision (migration 0028): a note does not redraw
    the incident's other sections."""
    Incident.objects.filter(pk=incident.pk).update(search_text=search_text_for(incident))
