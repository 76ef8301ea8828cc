"""Running automated checks: queue a run, claim it in a worker, record its result once.

Claiming and finishing are conditional UPDATEs, so two workers (a duplicate delivery, or a
redelivery after a worker was killed) never both record a result for one run; a run
being worked on keeps a heartbeat, so a second delivery leaves it to its worker and a run
whose worker died is known within seconds."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from incidents.checks import CheckOutcome, check_for
from incidents.models import (
    ITEM_FINISHED,
    RUN_FINISHED,
    ChecklistItem,
    CheckRun,
    EvidenceSource,
    ItemState,
    RotationState,
    RotationTask,
    RunStatus,
)
from incidents.services import ServiceError, evidence_links
from incidents.services import evidence as evidence_service
from incidents.services.checklists import unfinished_dependencies
from incidents.services.events import append_event
from incidents.services.keepalive import beating
from incidents.services.locking import lock_incident
from incidents.services.notices import revalidate_notices

PROBE_KIND = "old_credential_refused"
# A worker running a check writes the run's heartbeat this often; a run "running" with no
# heartbeat for RUN_SILENCE (three missed) lost its worker. A database outage longer than
# that can make a live run look lost: it is then run twice and recorded once (finish).
HEARTBEAT_EVERY = 5.0
RUN_SILENCE = timedelta(seconds=15)


def request_item_check(*, item: ChecklistItem, by: Any) -> CheckRun:
    if not item.check_kind:
        raise ServiceError(f"“{item.title}” is a manual step; it has no automated check.")
    if item.state in ITEM_FINISHED:
        raise ServiceError(f"“{item.title}” is already {ItemState(item.state).label.lower()}.")
    try:
        params = check_for(item.check_kind).clean(dict(item.check_params))
    except ValidationError as error:
        raise ServiceError(f"“{item.title}” cannot run yet: {' '.join(error.messages)}") from None
    return _queue(
        incident_id=item.incident_id, kind=item.check_kind, params=params, by=by, item=item
    )


def request_rotation_probe(*, task: RotationTask, by: Any) -> CheckRun:
    if task.state != RotationState.REVOKED:
        raise ServiceError("Probe the old credential once it is revoked (state 'Old revoked').")
    if not task.probe_url or not task.probe_secret_env:
        raise ServiceError(
            "Configure the probe first: a URL and the secret's environment variable."
        )
    return _queue(incident_id=task.incident_id, kind=PROBE_KIND, params={}, by=by, rotation=task)


def _queue(*, incident_id: int, kind: str, params: dict, by: Any, **target: Any) -> CheckRun:
    from incidents import tasks  # tasks import this module

    with transaction.atomic():
        incident = lock_incident(incident_id)
        run = CheckRun.objects.create(incident=incident, kind=kind, params=params, **target)
        append_event(
            incident=incident,
            verb="check.queued",
            actor=by,
            after={"run": run.pk, "check": kind, "target": _target_name(run)},
        )
        transaction.on_commit(lambda: tasks.run_check_run.delay(run.pk))
    return run


def _takeable(now: Any) -> Q:
    """Queued, or running with a silent heartbeat (its worker is gone)."""
    silent = Q(heartbeat_at__lt=now - RUN_SILENCE) | Q(heartbeat_at__isnull=True)
    return Q(status=RunStatus.QUEUED) | (Q(status=RunStatus.RUNNING) & silent)


def claim(run_id: int) -> CheckRun | None:
    """Mark the run running (again, after a lost worker); None if it already finished or a
    live worker is on it (a duplicate delivery)."""
    now = timezone.now()
    claimed = CheckRun.objects.filter(_takeable(now), pk=run_id).update(
        status=RunStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
    )
    return CheckRun.objects.select_related("item", "rotation").get(pk=run_id) if claimed else None


def being_run(run_id: int) -> bool:
    return CheckRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).exists()


def release(run_id: int) -> None:
    """Give a claimed run back to the queue (its task retries later with backoff)."""
    CheckRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.QUEUED, queued_at=timezone.now()
    )


def heartbeat(run_id: int) -> AbstractContextManager[None]:
    """Keep the run's heartbeat while a worker runs its check."""
    return beating(
        lambda: CheckRun.objects.filter(pk=run_id, status=RunStatus.RUNNING),
        HEARTBEAT_EVERY,
        f"run {run_id}",
    )


def finish(run: CheckRun, outcome: CheckOutcome, *, worker: str) -> bool:
    """Record the outcome once; returns False if another delivery recorded it first."""
    with transaction.atomic():
        incident = lock_incident(run.incident_id)
        finished = (
            CheckRun.objects.filter(pk=run.pk)
            .exclude(status__in=RUN_FINISHED)
            .update(
                status=outcome.status,
                evidence=outcome.evidence,
                summary=outcome.summary[:500],
                finished_at=timezone.now(),
            )
        )
        if not finished:
            return False
        append_event(
            incident=incident,
            verb="check.ran",
            actor_label=f"worker {worker}",
            after={
                "run": run.pk,
                "check": run.kind,
                "target": _target_name(run),
                "outcome": outcome.status,
                "summary": outcome.summary,
                "evidence": outcome.evidence,
            },
        )
        proof = _keep_proof(run, outcome, incident, worker)
        if run.item_id:
            _after_item_run(run.item_id, outcome.status, incident)
        if run.rotation_id and outcome.status == RunStatus.PASS:
            _mark_verified(run.rotation_id, incident, proof)
            revalidate_notices(incident=incident, by=None)
    return True


def _after_item_run(item_id: int, status: str, incident: Any) -> None:
    item = ChecklistItem.objects.select_for_update().get(pk=item_id)
    item.last_outcome = status
    if item.rerun_every_minutes and status != RunStatus.PASS:
        item.next_run_at = timezone.now() + timedelta(minutes=item.rerun_every_minutes)
    else:
        item.next_run_at = None
    item.save(update_fields=["last_outcome", "next_run_at"])
    if (
        status == RunStatus.PASS
        and item.state not in ITEM_FINISHED
        and not unfinished_dependencies(item)
    ):
        before = item.state
        ChecklistItem.objects.filter(pk=item.pk).update(state=ItemState.DONE)
        append_event(
            incident=incident,
            verb="checklist.item_changed",
            actor_label="system",
            before={"state": before},
            after={"step": item.title, "state": ItemState.DONE, "reason": "its check passed"},
        )


def _keep_proof(run: CheckRun, outcome: CheckOutcome, incident: Any, worker: str) -> Any:
    """What the check did and saw (request, response status and headers, timings; the
    checks never put a secret there) kept as evidence and linked to its step or task, so
    a probe's proof is a record of its own, hashed and on the chain."""
    record = {
        "check": run.kind,
        "run": run.pk,
        "target": _target_name(run),
        "outcome": outcome.status,
        "summary": outcome.summary,
        "finished_by": f"worker {worker}",
        "evidence": outcome.evidence,
    }
    data = json.dumps(record, indent=2, sort_keys=True, default=str).encode()
    label = f"worker {worker}"
    proof = evidence_service.keep_bytes(
        incident=incident,
        data=data,
        filename=f"check-{run.pk}-{run.kind}-{outcome.status}.json",
        source=EvidenceSource.CHECK,
        actor_label=label,
        check_run=run,
    )
    kind, target = ("step", run.item) if run.item_id else ("rotation", run.rotation)
    if target is not None:
        evidence_links.link_locked(
            incident, evidence=proof, kind=kind, target=target, by=None, actor_label=label
        )
    return proof


def _mark_verified(rotation_id: int, incident: Any, proof: Any) -> None:
    task = RotationTask.objects.select_for_update().select_related("credential").get(pk=rotation_id)
    if task.state != RotationState.REVOKED:
        return
    task.state = RotationState.VERIFIED
    task.save(update_fields=["state", "updated_at"])
    append_event(
        incident=incident,
        verb="rotation.state_changed",
        actor_label="system",
        before={"state": RotationState.REVOKED},
        after={
            "credential": task.credential.name,
            "state": RotationState.VERIFIED,
            "reason": "probe: old credential refused",
            "backed_by": f"probe's proof “{proof.filename}”",
        },
    )


def _target_name(run: CheckRun) -> str:
    if run.item_id:
        return run.item.title if run.item else ""
    if run.rotation_id and run.rotation:
        return run.rotation.credential.name
    return ""


# The database knows every run; the broker may lose its message (Redis restarted without
# its file). A run queued this long without a worker taking it is queued again; when the
# broker is known to have lost its messages (broker_watch), at once. Claims and results
# are conditional (claim, finish), so a run that was only slow is recorded once all the same.
QUEUED_GRACE = timedelta(minutes=2)


def sweep_stuck_runs(*, broker_lost: bool = False) -> list[int]:
    """Queue again every run the broker or a dead worker may have lost; returns their ids.
    Each is an event on its incident ("check.requeued", with why)."""
    from incidents import tasks  # tasks import this module

    now = timezone.now()
    waiting = Q(status=RunStatus.QUEUED, queued_at__lte=now if broker_lost else now - QUEUED_GRACE)
    silent = Q(status=RunStatus.RUNNING) & (
        Q(heartbeat_at__lt=now - RUN_SILENCE) | Q(heartbeat_at__isnull=True)
    )
    queued_why = (
        "the broker lost its messages (restarted without its data)"
        if broker_lost
        else "queued with no worker taking it"
    )
    silent_why = f"no heartbeat for {RUN_SILENCE.seconds} s while running (its worker was lost)"
    stuck = [
        (run_id, waiting, queued_why)
        for run_id in CheckRun.objects.filter(waiting).values_list("pk", flat=True)[:500]
    ] + [
        (run_id, silent, silent_why)
        for run_id in CheckRun.objects.filter(silent).values_list("pk", flat=True)[:500]
    ]
    requeued = []
    for run_id, still, why in stuck:
        with transaction.atomic():
            run = CheckRun.objects.select_related("item", "rotation").get(pk=run_id)
            incident = lock_incident(run.incident_id)
            # Conditional: a worker that took, beat or finished it meanwhile wins.
            moved = CheckRun.objects.filter(still, pk=run_id).update(
                status=RunStatus.QUEUED, queued_at=now
            )
            if not moved:
                continue
            append_event(
                incident=incident,
                verb="check.requeued",
                actor_label="system",
                after={"run": run.pk, "check": run.kind, "target": _target_name(run), "why": why},
            )
            transaction.on_commit(partial(tasks.run_check_run.delay, run_id))
        requeued.append(run_id)
    return requeued
