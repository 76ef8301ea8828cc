"""Running the whole audit verification: every incident's hash chain walked, the security
log's, then the signed checkpoints (checkpoints/verification.py). The beat runs it hourly;
the Audit page asks for a run, which a worker does with its progress on the row."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.audit import verify_incident, verify_security_log
from incidents.checkpoints.verification import verify_checkpoints
from incidents.models import AuditVerification, Incident
from incidents.services import ServiceError

log = logging.getLogger(__name__)
State = AuditVerification.State
PROGRESS_EVERY = 50  # chains between two progress writes


def request_run(*, by: Any) -> AuditVerification:
    """A run asked for on the Audit page (one at a time)."""
    if AuditVerification.objects.filter(state__in=(State.QUEUED, State.RUNNING)).exists():
        raise ServiceError("A verification is already running; its progress is shown below.")
    run = AuditVerification.objects.create(requested_by=by)
    from incidents.tasks import run_audit_verification

    transaction.on_commit(partial(run_audit_verification.delay, run.pk))
    return run


def run(run_id: int) -> AuditVerification:
    """Walk everything, then check the checkpoints; the result is kept on the row. Only a
    queued run is taken, so a second delivery does nothing."""
    taken = AuditVerification.objects.filter(pk=run_id, state=State.QUEUED).update(
        state=State.RUNNING, started_at=timezone.now()
    )
    if not taken:
        return AuditVerification.objects.get(pk=run_id)
    try:
        _run(run_id)
    except Exception as failure:
        log.exception("audit verification %s failed", run_id)
        AuditVerification.objects.filter(pk=run_id).update(
            state=State.FAILED,
            intact=None,
            error=f"{type(failure).__name__}: {failure}"[:2000],
            finished_at=timezone.now(),
        )
    return AuditVerification.objects.get(pk=run_id)


def _run(run_id: int) -> None:
    incidents = list(Incident.objects.order_by("pk").values_list("pk", flat=True))
    AuditVerification.objects.filter(pk=run_id).update(chains_total=len(incidents) + 1)
    problems, events = [], 0
    for done, incident_id in enumerate(incidents, start=1):
        result = verify_incident(Incident(pk=incident_id))
        events += result.events
        if not result.intact:
            problems.append(result.describe())
        if done % PROGRESS_EVERY == 0:
            AuditVerification.objects.filter(pk=run_id).update(chains_done=done)
    security = verify_security_log()
    events += security.events
    if not security.intact:
        problems.append(security.describe())
    report = verify_checkpoints()
    problems += report.problems
    for problem in problems:
        log.error("audit verification: %s", problem)
    AuditVerification.objects.filter(pk=run_id).update(
        state=State.DONE,
        chains_done=len(incidents) + 1,
        events=events,
        intact=not problems,
        checkpoint_seq=report.latest.seq if report.latest else None,
        problems=problems[:500],
        notes=report.notes,
        finished_at=timezone.now(),
    )


def run_now(*, by: Any = None) -> AuditVerification:
    """The beat's hourly run: made and done in the same task."""
    created = AuditVerification.objects.create(requested_by=by)
    return run(created.pk)
