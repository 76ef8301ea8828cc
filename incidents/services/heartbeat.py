"""The worker heartbeat: proof from the UI that a real worker reaches the event log."""

from __future__ import annotations

import uuid

from django.db import transaction

from incidents.models import Event
from incidents.services.events import append_event
from incidents.services.locking import lock_incident

OUTCOMES = ("pass", "fail", "error")


def record_check_result(
    *, incident_id: int, check: str, outcome: str, detail: dict, run_id: str, worker: str
) -> Event:
    """Append the result of one check run, once per run_id: a duplicate delivery of the
    same task finds its result already recorded and returns it."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}")
    with transaction.atomic():
        incident = lock_incident(incident_id)
        existing = Event.objects.filter(
            incident=incident, verb="check.ran", after__run_id=run_id
        ).first()
        if existing is not None:
            return existing
        return append_event(
            incident=incident,
            verb="check.ran",
            actor_label=f"worker {worker}",
            after={"check": check, "outcome": outcome, "run_id": run_id, **detail},
        )


def request_check(*, incident_id: int, check: str, by: object) -> str:
    """Record that someone asked for a check and queue it after commit; returns the run id."""
    from incidents import tasks  # tasks imports services: import late to avoid a cycle

    run_id = uuid.uuid4().hex
    with transaction.atomic():
        incident = lock_incident(incident_id)
        append_event(
            incident=incident,
            verb="check.requested",
            actor=by,
            after={"check": check, "run_id": run_id},
        )
        transaction.on_commit(lambda: tasks.run_check.delay(incident_id, check, run_id))
    return run_id
