"""Celery tasks: load by id, call a check or a service, safe to run twice."""

from __future__ import annotations

import logging
import socket
import time

from celery import Task, shared_task

from incidents.audit import verify_all
from incidents.models import Incident
from incidents.services.checks import record_check_result

log = logging.getLogger(__name__)

CHECKS = {"heartbeat"}


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def run_check(self: Task, incident_id: int, check: str, run_id: str) -> None:
    if not Incident.objects.filter(pk=incident_id).exists():
        log.warning("check %s for unknown incident %s dropped", check, incident_id)
        return
    started = time.monotonic()
    detail: dict[str, object]
    if check not in CHECKS:
        outcome, detail = "error", {"error": f"unknown check {check!r}"}
    else:
        outcome, detail = "pass", {"message": "worker reached the database and the event log"}
    detail["duration_ms"] = round((time.monotonic() - started) * 1000)
    record_check_result(
        incident_id=incident_id,
        check=check,
        outcome=outcome,
        detail=detail,
        run_id=run_id,
        worker=socket.gethostname(),
    )


@shared_task
def verify_audit_chains() -> int:
    """Hourly (beat): log loudly if any chain is broken; returns the number broken."""
    broken = [r for r in verify_all() if not r.intact]
    for result in broken:
        log.error("audit chain broken: %s", result.describe())
    return len(broken)
