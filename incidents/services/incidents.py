"""Opening incidents and moving them through their lifecycle."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.models import CLOSED_STATES, Incident, ReferenceCounter, Severity, Status
from incidents.models.lifecycle import allowed_moves, needs_reason
from incidents.services import ServiceError
from incidents.services.events import append_event
from incidents.services.incident_fields import search_text_for
from incidents.services.locking import lock_incident
from incidents.services.times import check_time_order, fill_time_for

MAX_REASON = 2000


def next_reference(year: int) -> str:
    """Issue INC-<year>-<n>; must run inside a transaction."""
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"INC-{year}-{counter.last_number:04d}"


def open_incident(
    *,
    title: str,
    by: Any,
    severity: str = Severity.SEV3,
    summary: str = "",
    restricted: bool = False,
    commander: Any = None,
    detected_at: datetime | None = None,
    aware_at: datetime | None = None,
    breach_vector: Any = None,
) -> Incident:
    """Detected defaults to the time it became aware when that is given (detection cannot
    come after it), else to now."""
    title = title.strip()
    if not title:
        raise ServiceError("An incident needs a title.")
    if severity not in Severity.values:
        raise ServiceError(
            f"Unknown severity {severity!r}; use one of {', '.join(Severity.values)}."
        )
    with transaction.atomic():
        incident = Incident(
            reference=next_reference(timezone.now().year),
            title=title,
            summary=summary.strip(),
            severity=severity,
            restricted=restricted,
            commander=commander,
            breach_vector=breach_vector,
            detected_at=detected_at or aware_at or timezone.now(),
            detected_assumed=detected_at is None,
            aware_at=aware_at,
        )
        check_time_order(incident)
        incident.search_text = search_text_for(incident)
        incident.save()
        if by is not None:
            incident.members.add(by)
        append_event(
            incident=incident,
            verb="incident.opened",
            actor=by,
            after={
                "title": title,
                "severity": severity,
                "status": incident.status,
                "restricted": restricted,
                "commander": commander.get_username() if commander else None,
                "breach_vector": breach_vector.name if breach_vector else None,
                "detected_at": incident.detected_at,
                "detected_assumed": incident.detected_assumed,
                "aware_at": incident.aware_at,
            },
        )
    return incident


def transition(
    *, incident: Incident, to: str, by: Any, reason: str = "", duplicate_of: Incident | None = None
) -> Incident:
    """Move the incident to `to` if the lifecycle table allows it from its current status.
    Closing records the reason as the resolution; a duplicate names the original."""
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise ServiceError(
            f"The reason is too long ({len(reason)} characters; at most {MAX_REASON})."
        )
    if to not in Status.values:
        raise ServiceError(f"Unknown status {to!r}.")
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        current = locked.status
        if to == current:
            return locked
        if to not in allowed_moves(current):
            allowed = ", ".join(Status(s).label for s in allowed_moves(current)) or "none"
            raise ServiceError(
                f"Cannot move from {Status(current).label} to {Status(to).label}. "
                f"Allowed from {Status(current).label}: {allowed}."
            )
        if needs_reason(current, to) and not reason:
            word = "a resolution summary" if to in CLOSED_STATES else "a reason"
            raise ServiceError(f"Moving to {Status(to).label} needs {word}.")
        after: dict[str, Any] = {"status": to}
        if to == Status.DUPLICATE:
            locked.duplicate_of = _original(locked, duplicate_of)
            after["duplicate_of"] = locked.duplicate_of.reference
        if to in CLOSED_STATES:
            locked.resolution = reason
        locked.status = to
        filled = fill_time_for(locked, to)
        if filled:
            after[filled] = getattr(locked, filled)
        locked.save()
        if reason:
            after["reason"] = reason
        append_event(
            incident=locked,
            verb="incident.status_changed",
            actor=by,
            before={"status": current},
            after=after,
        )
    return locked


def _original(incident: Incident, original: Incident | None) -> Incident:
    if original is None:
        raise ServiceError("Closing as a duplicate needs the reference of the original incident.")
    if original.pk == incident.pk:
        raise ServiceError("An incident cannot be a duplicate of itself.")
    return original
