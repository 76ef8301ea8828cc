"""Celery tasks: load by id, call a check or a service, safe to run twice."""

from __future__ import annotations

import logging
import smtplib
import socket
import time

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError

from incidents.checks import CheckContext, CheckOutcome, check_for, incident_wide_check
from incidents.models import Incident, Notice, NoticeState
from incidents.notices import delivery
from incidents.services import check_runs, deadlines, notices, obligation_watch
from incidents.services.heartbeat import record_check_result
from incidents.services.import_jobs import IMPORT_TIME_LIMIT

log = logging.getLogger(__name__)


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
    found = incident_wide_check(check)
    if found is None:
        outcome, detail = "error", {"error": f"unknown check {check!r}"}
    else:
        result = found.run({}, CheckContext(incident_id=incident_id))
        outcome, detail = result.status, {"message": result.summary, **result.evidence}
    detail["duration_ms"] = round((time.monotonic() - started) * 1000)
    record_check_result(
        incident_id=incident_id,
        check=check,
        outcome=outcome,
        detail=detail,
        run_id=run_id,
        worker=socket.gethostname(),
    )


TRANSIENT = (ConnectionError, TimeoutError, OSError)
BUSY_LOOKS = 20  # a duplicate delivery looks again for up to 20 × RUN_SILENCE (5 min)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def run_check_run(self: Task, run_id: int) -> None:
    """Run one queued check, with its heartbeat kept meanwhile. Transient network errors
    retry with backoff; policy refusals and bad parameters are recorded as errors, not
    retried; a check that overruns the soft time limit is recorded as an error (the hard
    one kills it, and its silent heartbeat brings it back: check_runs)."""
    run = check_runs.claim(run_id)
    if run is None:
        if check_runs.being_run(run_id) and self.request.retries < BUSY_LOOKS:
            # A duplicate delivery, or a redelivery after a worker died before its
            # heartbeat fell silent: look again once a dead worker's would have. (Past
            # BUSY_LOOKS the sweeper is the one to notice a silent heartbeat.)
            raise self.retry(countdown=check_runs.RUN_SILENCE.seconds, max_retries=BUSY_LOOKS)
        return  # already recorded, or left to the sweeper
    context = CheckContext(incident_id=run.incident_id, rotation_id=run.rotation_id)
    try:
        with check_runs.heartbeat(run.pk):
            outcome = check_for(run.kind).run(run.params, context)
    except ValidationError as refused:
        outcome = CheckOutcome("error", " ".join(refused.messages), {"refused": refused.messages})
    except SoftTimeLimitExceeded:
        limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
        outcome = CheckOutcome("error", f"the check ran longer than {limit} s", {"timed_out": True})
    except TRANSIENT as error:
        if self.request.retries < (self.max_retries or 0):
            check_runs.release(run.pk)  # the retry claims it again
            raise self.retry(exc=error, countdown=2**self.request.retries) from error
        outcome = CheckOutcome(
            "error", f"network error after retries: {error}", {"error": str(error)}
        )
    check_runs.finish(run, outcome, worker=socket.gethostname())


SMTP_TRANSIENT = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def send_notice(self: Task, notice_id: int) -> None:
    """Deliver a queued notice by email with its PDF. A refusal by the SMTP server is
    recorded as 'send failed' with the reply; connection trouble retries with backoff."""
    notice = Notice.objects.select_related("partner", "incident").get(pk=notice_id)
    if notice.state == NoticeState.SENT:
        return
    attempt = notices.start_delivery(notice_id=notice_id, worker=socket.gethostname())
    retries_left = self.request.retries < (self.max_retries or 0)
    try:
        with notices.delivery_heartbeat(attempt):
            reply = delivery.send(notice)
    except (smtplib.SMTPException, *SMTP_TRANSIENT) as error:
        said = (
            delivery.server_reply(error)
            if isinstance(error, smtplib.SMTPException)
            else f"could not reach the mail server: {error}"
        )
        if isinstance(error, SMTP_TRANSIENT) and retries_left:
            notices.record_retry(notice_id=notice_id, attempt_id=attempt, reply=said)
            raise self.retry(exc=error, countdown=2**self.request.retries) from error
        notices.record_delivery(notice_id=notice_id, error=said, attempt_id=attempt)
        return
    except Exception as error:  # any other failure: said on the notice, never left "approved"
        log.exception("notice %s could not be sent", notice_id)
        notices.record_delivery(
            notice_id=notice_id,
            error=f"could not be sent ({error.__class__.__name__}: {error})",
            attempt_id=attempt,
        )
        return
    notices.record_delivery(notice_id=notice_id, attempt_id=attempt, reply=reply)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=3600, soft_time_limit=3500)
def draft_batch(batch_id: int) -> int:
    """Make a batch's drafts one by one (each is an event, so the progress is live)."""
    made = 0
    while notices.draft_next_in_batch(batch_id):
        made += 1
    return made


@shared_task
def deadline_watch() -> int:
    """Every minute (beat): warn about steps and rotations nearing or past due."""
    return deadlines.watch()


@shared_task
def obligation_reminders() -> int:
    """Every minute (beat): remind the commander of notification duties at 24 h, 6 h and at
    the deadline."""
    return obligation_watch.remind()


@shared_task
def rerun_due_checks() -> int:
    """Every 30 s (beat): queue checks set to re-run until they pass."""
    return deadlines.queue_due_reruns()


@shared_task
def sweep_stuck_work() -> int:
    """Every 5 s (beat): queue again the check runs, notice sends, draft batches and
    imports the broker or a dead worker may have lost (the database knows them all); at
    once for what was waiting when the broker is found to have lost its messages. Returns
    how many."""
    from incidents import broker_watch
    from incidents.services.case_bundles import sweep_stuck_bundles
    from incidents.services.import_jobs import sweep_stuck_imports

    lost = broker_watch.messages_lost()
    return (
        len(check_runs.sweep_stuck_runs(broker_lost=lost))
        + len(notices.sweep_stuck_sends(broker_lost=lost))
        + len(notices.sweep_stuck_batches(broker_lost=lost))
        + len(sweep_stuck_imports(broker_lost=lost))
        + len(sweep_stuck_bundles(broker_lost=lost))
    )


@shared_task(bind=True, acks_late=True, max_retries=5)
def mail_notification(self: Task, notification_id: int) -> bool:
    """One notification by mail, for whoever wants each one (services/notification_mail)."""
    from incidents.services.notification_mail import mail_one

    try:
        return mail_one(notification_id)
    except (smtplib.SMTPException, *SMTP_TRANSIENT) as error:
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error


@shared_task
def mail_notification_digests() -> int:
    """Hourly (beat): one mail to each person who chose the digest and has something new."""
    from incidents.services.notification_mail import mail_digests

    return mail_digests()


@shared_task(time_limit=3600, soft_time_limit=3500)
def verify_audit_chains() -> int:
    """Hourly (beat): the whole verification (chains and signed checkpoints), kept for the
    Audit page and logged loudly when anything broke; returns the number of problems."""
    from incidents.services.audit_runs import run_now

    return len(run_now().problems)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=3600, soft_time_limit=3500)
def run_audit_verification(run_id: int) -> str:
    """A verification asked for on the Audit page (services/audit_runs.py)."""
    from incidents.services.audit_runs import run

    return run(run_id).state


@shared_task(bind=True, acks_late=True, max_retries=8)
def witness_checkpoint(self: Task, checkpoint_seq: int) -> int:
    """Hand one checkpoint to the outside witnesses (services/witnesses.py); a witness that
    failed is tried again with backoff, its error shown on the Audit page meanwhile."""
    from incidents.services.witnesses import witness

    failed = witness(checkpoint_seq)
    if failed:
        raise self.retry(countdown=min(3600, 30 * 2**self.request.retries))
    return checkpoint_seq


@shared_task
def make_audit_checkpoint() -> int | None:
    """Every AUDIT_CHECKPOINT_MINUTES (beat): sign the chains' heads if any moved."""
    from incidents.services.checkpoints import make_checkpoint

    made = make_checkpoint(only_if_changed=True)
    return made.seq if made else None


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=IMPORT_TIME_LIMIT,
    soft_time_limit=IMPORT_TIME_LIMIT - 100,
)
def run_import(job_id: int) -> str:
    from incidents.services.import_jobs import run_job

    return run_job(job_id).state


@shared_task(
    acks_late=True, reject_on_worker_lost=True, time_limit=4 * 3600, soft_time_limit=4 * 3600 - 60
)
def build_case_bundle(bundle_id: int) -> str:
    """Build one case export (services/case_bundles.py); a second delivery finds it taken."""
    import socket

    from incidents.services.case_bundles import build

    return build(bundle_id, worker=socket.gethostname()).state


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def post_to_chat(self: Task, event_id: int) -> bool:
    """One event's line to its incident's chat channel (services/chat.py). An unreachable
    service retries with backoff; a refusal, or the retries spent, goes on the timeline."""
    from incidents.services import chat

    try:
        return chat.post(event_id)
    except chat.ChatUnavailable as refused:
        chat.record_failure(event_id, str(refused))
        return False
    except (ConnectionError, TimeoutError, OSError) as error:
        if self.request.retries >= (self.max_retries or 0):
            chat.record_failure(event_id, f"the chat service could not be reached ({error})")
            return False
        raise self.retry(exc=error, countdown=10 * 2**self.request.retries) from error
