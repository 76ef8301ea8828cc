"""Imports too large for one request (more than SYNC_ROWS rows) run as a Celery job: a
checking pass in chunks, each rolled back but counted (the progress people see), then one
transaction that writes every row or none. The rules are the synchronous import's."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from incidents.models import ImportJob
from incidents.services import ServiceError, credentials, partners
from incidents.services.csv_import import CsvShape, ImportReport, import_rows, read_rows

log = logging.getLogger(__name__)

SYNC_ROWS = 2_000
CHUNK = 500
IMPORT_TIME_LIMIT = 3600  # the task's hard limit (tasks.run_import)


def _kind(kind: str) -> tuple[CsvShape, Callable[[dict[str, str]], object]]:
    if kind == ImportJob.Kind.CREDENTIALS:
        return credentials.CSV_SHAPE, credentials.add_row
    if kind == ImportJob.Kind.PARTNERS:
        return partners.CSV_SHAPE, partners.add_row
    raise ServiceError(f"Unknown import {kind!r}.")


def start_import(*, kind: str, data: bytes, by: Any) -> ImportReport | ImportJob:
    """Small files at once (a report); large ones as a job (to follow on its page)."""
    shape, add_row = _kind(kind)
    rows = read_rows(data, shape)  # refuses an unreadable file before anything is queued
    if len(rows) <= SYNC_ROWS:
        return import_rows(data, shape, add_row)
    job = ImportJob.objects.create(kind=kind, data=data, rows=len(rows), created_by=by)
    from incidents.tasks import run_import

    transaction.on_commit(lambda: run_import.delay(job.pk))
    return job


def run_job(job_id: int) -> ImportJob:
    """The task's body: safe to run twice (a finished job is left as it is; one killed
    while writing wrote nothing, its transaction rolled back, and starts again)."""
    claimed = ImportJob.objects.filter(
        pk=job_id,
        state__in=(ImportJob.State.QUEUED, ImportJob.State.CHECKING, ImportJob.State.WRITING),
    ).update(state=ImportJob.State.CHECKING, checked=0, progress_at=timezone.now())
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        return job
    shape, add_row = _kind(job.kind)
    rows = read_rows(bytes(job.data), shape)
    errors: list[tuple[int, str]] = []
    for start in range(0, len(rows), CHUNK):
        errors += _check(rows[start : start + CHUNK], add_row)
        ImportJob.objects.filter(pk=job_id).update(
            checked=min(len(rows), start + CHUNK), progress_at=timezone.now()
        )
    report = ImportReport(rows=len(rows), errors=errors)
    if not errors:
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.WRITING, progress_at=timezone.now()
        )
        report = import_rows(bytes(job.data), shape, add_row)
    ImportJob.objects.filter(pk=job_id).update(
        state=ImportJob.State.DONE if report.kept else ImportJob.State.REFUSED,
        imported=report.imported,
        errors=[list(e) for e in report.errors[:1000]],
        data=b"",
        finished_at=timezone.now(),
    )
    return ImportJob.objects.get(pk=job_id)


def _check(chunk: list[tuple[int, dict[str, str]]], add_row: Any) -> list[tuple[int, str]]:
    """Run the chunk's rows through the service and roll everything back."""
    errors = []
    with transaction.atomic():
        for line, row in chunk:
            try:
                with transaction.atomic():
                    add_row(row)
            except ServiceError as error:
                errors.append((line, " ".join(error.messages)))
        transaction.set_rollback(True)
    return errors


# How long a job may show no progress before the sweeper takes it for lost. Queued: no
# worker took it. Checking: a chunk of CHUNK rows takes seconds. Writing: one transaction
# of every row, bounded by the task's hard time limit (tasks.run_import), so twice that.
IMPORT_QUEUED_GRACE = timedelta(minutes=2)
IMPORT_CHECKING_GRACE = timedelta(minutes=10)
IMPORT_WRITING_LEASE = timedelta(seconds=2 * IMPORT_TIME_LIMIT)


def sweep_stuck_imports(*, broker_lost: bool = False) -> list[int]:
    """Queue again every import the broker or a dead worker lost (every queued one at once
    when the broker is known to have lost its messages); returns their ids. A job is safe
    to run again (run_job), and one killed while writing wrote nothing."""
    from incidents.tasks import run_import

    now = timezone.now()
    queued_before = now if broker_lost else now - IMPORT_QUEUED_GRACE
    lost = (
        Q(state=ImportJob.State.QUEUED, progress_at__isnull=True, created_at__lte=queued_before)
        | Q(state=ImportJob.State.QUEUED, progress_at__lte=queued_before)
        | Q(state=ImportJob.State.CHECKING, progress_at__lt=now - IMPORT_CHECKING_GRACE)
        | Q(state=ImportJob.State.WRITING, progress_at__lt=now - IMPORT_WRITING_LEASE)
    )
    requeued = []
    for job_id in ImportJob.objects.filter(lost).values_list("pk", flat=True)[:100]:
        moved = ImportJob.objects.filter(lost, pk=job_id).update(
            state=ImportJob.State.QUEUED, progress_at=now
        )
        if moved:
            log.warning("import job %s was lost by the broker or its worker; queued again", job_id)
            transaction.on_commit(partial(run_import.delay, job_id))
            requeued.append(job_id)
    return requeued
