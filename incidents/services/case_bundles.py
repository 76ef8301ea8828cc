"""Exporting a whole case: one request, a worker builds the ZIP (evidence/bundle.py) with its
progress on the job, and the ZIP is kept as evidence Breachroom produced, so downloading
it goes through the same gate and is the same custody event as any other file."""

from __future__ import annotations

import hashlib
import logging
import tempfile
from datetime import timedelta
from functools import partial
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from incidents.evidence import bundle
from incidents.models import CaseBundle, Evidence, EvidenceSource, Incident
from incidents.services import ServiceError
from incidents.services import evidence as evidence_service
from incidents.services.events import append_event
from incidents.services.locking import lock_incident

log = logging.getLogger(__name__)

State = CaseBundle.State
# A build moves its progress after every file; one silent this long lost its worker (a
# single evidence file of 2 GiB is copied in well under this on any disk).
BUILD_SILENCE = timedelta(minutes=10)
QUEUED_GRACE = timedelta(minutes=2)


def request_bundle(*, incident: Incident, by: Any) -> CaseBundle:
    """Queue a build; one at a time per incident."""
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        running = CaseBundle.objects.filter(
            incident=locked, state__in=(State.QUEUED, State.BUILDING)
        ).first()
        if running is not None:
            raise ServiceError("An export of this case is already being built; follow it there.")
        job = CaseBundle.objects.create(incident=locked, requested_by=by)
        append_event(incident=locked, verb="bundle.requested", actor=by, after={"bundle": job.pk})
        from incidents.tasks import build_case_bundle

        transaction.on_commit(partial(build_case_bundle.delay, job.pk))
    return job


def build(bundle_id: int, *, worker: str = "worker") -> CaseBundle:
    """The task's body. Safe to run twice: only a queued (or lost) job is claimed, and a
    build that died half-way left only a temporary file behind."""
    claimed = CaseBundle.objects.filter(pk=bundle_id, state=State.QUEUED).update(
        state=State.BUILDING, files_done=0, progress_at=timezone.now()
    )
    job = CaseBundle.objects.select_related("incident", "requested_by").get(pk=bundle_id)
    if not claimed:
        return job
    try:
        _build(job, worker)
    except Exception as failure:
        log.exception("case bundle %s failed", bundle_id)
        CaseBundle.objects.filter(pk=bundle_id).update(
            state=State.FAILED,
            error=f"{type(failure).__name__}: {failure}"[:2000],
            finished_at=timezone.now(),
        )
    return CaseBundle.objects.get(pk=bundle_id)


def _build(job: CaseBundle, worker: str) -> None:
    incident = job.incident
    the_plan = bundle.plan(incident)
    CaseBundle.objects.filter(pk=job.pk).update(files_total=len(the_plan.members) + 1)

    def progress(done: int) -> None:
        CaseBundle.objects.filter(pk=job.pk).update(files_done=done, progress_at=timezone.now())

    made_by = f"{job.requested_by.get_username()} (via {worker})"
    with tempfile.NamedTemporaryFile(suffix=".zip") as target:
        written = bundle.write(target, incident, the_plan, made_by=made_by, progress=progress)
        target.flush()
        sha256, size = _hash_file(target)
        filename = f"{incident.reference}-case-{timezone.now():%Y%m%dT%H%M%SZ}.zip"
        target.seek(0)
        blob = evidence_service.store_blob(
            File(target, name=filename),
            sha256=sha256,
            size=size,
            content_type="application/zip",
        )
        with transaction.atomic():
            locked = lock_incident(incident.pk)
            kept = Evidence.objects.create(
                incident=locked, blob=blob, filename=filename, source=EvidenceSource.EXPORT
            )
            mismatches = [w.path for w in written if w.mismatch]
            append_event(
                incident=locked,
                verb="bundle.built",
                actor_label=f"worker {worker}",
                after={
                    "bundle": job.pk,
                    "evidence_id": kept.pk,
                    "filename": filename,
                    "sha256": sha256,
                    "size": size,
                    "files": len(written) + 1,
                    "mismatches": mismatches,
                },
            )
            CaseBundle.objects.filter(pk=job.pk).update(
                state=State.DONE,
                evidence=kept,
                files_done=len(written) + 1,
                finished_at=timezone.now(),
                progress_at=timezone.now(),
            )


def _hash_file(handle: Any) -> tuple[str, int]:
    handle.seek(0)
    digest, size = hashlib.sha256(), 0
    while piece := handle.read(bundle.PIECE):
        digest.update(piece)
        size += len(piece)
    return digest.hexdigest(), size


def sweep_stuck_bundles(*, broker_lost: bool = False) -> list[int]:
    """Queue again builds the broker or a dead worker lost; returns their ids."""
    from incidents.tasks import build_case_bundle

    now = timezone.now()
    queued_before = now if broker_lost else now - QUEUED_GRACE
    lost = Q(state=State.QUEUED, requested_at__lte=queued_before, progress_at=None) | Q(
        state=State.QUEUED, progress_at__lte=queued_before
    )
    silent = Q(state=State.BUILDING, progress_at__lt=now - BUILD_SILENCE)
    requeued = []
    for job_id in CaseBundle.objects.filter(lost | silent).values_list("pk", flat=True)[:20]:
        moved = CaseBundle.objects.filter(lost | silent, pk=job_id).update(
            state=State.QUEUED, progress_at=now
        )
        if moved:
            log.warning("case bundle %s was lost by the broker or its worker; queued again", job_id)
            transaction.on_commit(partial(build_case_bundle.delay, job_id))
            requeued.append(job_id)
    return requeued
