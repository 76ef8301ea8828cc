"""Opening incidents and moving them through their lifecycle."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.models import Incident, ReferenceCounter, Severity, Status
from incidents.models.lifecycle import allowed_moves, needs_reason
from incidents.services import ServiceError
from incidents.services.events import append_event
from incidents.services.locking import lock_incident

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
) -> Incident:
    title = title.strip()
    if not title:
        raise ServiceError("An incident needs a title.")
    if severity not in Severity.values:
        raise ServiceError(
            f"Unknown severity {severity!r}; use one of {', '.join(Severity.values)}."
        )
    with transaction.atomic():
        incident = Incident.objects.create(
            reference=next_reference(timezone.now().year),
            title=title,
            summary=summary,
            severity=severity,
            restricted=restricted,
        )
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
            },
        )
    return incident


def transition(*, incident: Incident, to: str, by: Any, reason: str = "") -> Incident:
    """Move the incident to `to` if the lifecycle table allows it from its current status."""
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
            raise ServiceError(f"Moving to {Status(to).label} needs a reason.")
        locked.status = to
        locked.save(update_fields=["status", "updated_at"])
        after: dict[str, Any] = {"status": to}
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
