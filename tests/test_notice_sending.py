"""Sending notices through a real SMTP server: frozen, hashed, never half-sent."""

import pytest

from incidents.models import Notice, NoticeTemplate, Partner
from incidents.services import ServiceError
from incidents.services.notices import approve_notice, queue_send, submit_for_review
from tests.conftest import run_queued
from tests.factories import payment_partner_draft
from tests.smtp_server import smtp_server

pytestmark = pytest.mark.django_db(transaction=True)  # the send is queued on commit


@pytest.fixture
def approved(cast, incident):
    partner = Partner.objects.create(name="PayFlow", audience="payment_partner")
    partner.contacts.create(name="Marc", email="security@payflow.example")
    notice = payment_partner_draft(incident, partner, by=cast.comms, decided_by=cast.commander)
    submit_for_review(notice=notice, by=cast.comms)
    return approve_notice(notice=Notice.objects.get(pk=notice.pk), by=cast.commander)


def test_a_sent_notice_arrives_as_text_html_and_pdf_and_is_frozen(
    settings, cast, approved, queued_tasks
):
    with smtp_server(settings) as mailbox:
        queue_send(notice=approved, by=cast.comms)
        run_queued(queued_tasks)  # the worker's part: the send task's function
    [message] = mailbox.messages
    assert message["To"] == "security@payflow.example"
    assert message["X-Breachroom-SHA256"] and message["Subject"].startswith(
        approved.incident.reference
    )
    kinds = [part.get_content_type() for part in message.walk()]
    assert {"text/plain", "text/html", "application/pdf"} <= set(kinds)
    sent = Notice.objects.get(pk=approved.pk)
    header = "".join(str(message["X-Breachroom-SHA256"]).split())  # long headers are folded
    assert sent.state == "sent" and sent.sent_at and sent.content_sha256 == header
    assert "No payment information was compromised." in sent.rendered_body
    verbs = [
        e.verb for e in sent.incident.events.filter(verb__startswith="notice.send").order_by("seq")
    ]
    assert (
        verbs == ["notice.send_queued"] and sent.incident.events.filter(verb="notice.sent").exists()
    )


def test_a_refusal_by_the_server_leaves_it_send_failed_with_the_reply(
    settings, cast, approved, queued_tasks
):
    with smtp_server(settings, refuse_with="550 5.7.1 Relaying denied") as mailbox:
        queue_send(notice=approved, by=cast.comms)
        run_queued(queued_tasks)  # the worker's part: the send task's function
    failed = Notice.objects.get(pk=approved.pk)
    assert mailbox.messages == [] and failed.state == "send_failed" and failed.sent_at is None
    assert "550" in failed.send_error and "Relaying denied" in failed.send_error
    with smtp_server(settings) as mailbox:  # retryable
        queue_send(notice=failed, by=cast.comms)
        run_queued(queued_tasks)  # the worker's part: the send task's function
    assert len(mailbox.messages) == 1 and Notice.objects.get(pk=approved.pk).state == "sent"


def test_an_unapproved_notice_cannot_be_sent(cast, approved):
    Notice.objects.filter(pk=approved.pk).update(state="in_review")
    with pytest.raises(ServiceError, match="Only an approved notice"):
        queue_send(notice=Notice.objects.get(pk=approved.pk), by=cast.comms)


def test_a_partner_without_an_email_contact_is_refused(cast, approved):
    approved.partner.contacts.all().delete()
    with pytest.raises(ServiceError, match="has no current email contact"):
        queue_send(notice=approved, by=cast.comms)
    assert Notice.objects.get(pk=approved.pk).state == "approved"


def test_a_sent_notice_cannot_be_edited(settings, cast, approved, queued_tasks):
    from incidents.services.notices import edit_notice

    with smtp_server(settings):
        queue_send(notice=approved, by=cast.comms)
        run_queued(queued_tasks)  # the worker's part: the send task's function
    with pytest.raises(ServiceError, match="cannot be edited"):
        edit_notice(notice=approved, subject="x", body="y", by=cast.comms, expected_version=1)


def test_the_pdf_downloads(cast, approved):
    from tests.conftest import client_for

    response = client_for(cast.auditor).get(
        f"/incidents/{approved.incident.reference}/notices/{approved.pk}/pdf/"
    )
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_a_batch_drafts_every_partner_once_even_if_run_twice(cast, incident, queued_tasks):
    from incidents.models import NoticeBatch
    from incidents.services.notices import draft_next_in_batch, start_draft_batch
    from incidents.tasks import draft_batch

    partners = [Partner.objects.create(name=f"Creator {n}", audience="creator") for n in range(5)]
    template = NoticeTemplate.objects.filter(name="Creator update").latest("version")
    batch = start_draft_batch(
        incident=incident, template=template, partners=partners, by=cast.comms
    )
    [queued] = queued_tasks  # queued at commit: the worker's part, run here
    assert queued.task.name == draft_batch.name and queued.run() == 5
    # A redelivered task finds nothing left to do.
    assert draft_batch(batch.pk) == 0 and draft_next_in_batch(batch.pk) is False
    batch = NoticeBatch.objects.get(pk=batch.pk)
    assert (batch.done, batch.total) == (5, 5) and batch.finished_at is not None
    assert Notice.objects.filter(batch=batch).count() == 5
    assert incident.events.filter(verb="notice.drafted").count() == 5


def test_a_sent_notice_is_followed_up_not_edited(settings, cast, approved, queued_tasks):
    from incidents.services.notices import follow_up

    with pytest.raises(ServiceError, match="Only a sent notice"):
        follow_up(notice=approved, by=cast.comms)
    with smtp_server(settings):
        queue_send(notice=approved, by=cast.comms)
        run_queued(queued_tasks)  # the worker's part: the send task's function
    new = follow_up(notice=Notice.objects.get(pk=approved.pk), by=cast.comms)
    assert (
        new.supersedes_id == approved.pk
        and new.state == "draft"
        and new.subject.startswith("Update: ")
    )
    assert Notice.objects.get(pk=approved.pk).state == "sent"


def test_an_unexpected_failure_while_sending_leaves_it_send_failed_never_approved(
    settings, cast, approved, monkeypatch, queued_tasks
):
    def broken(notice):
        raise ValueError("template produced no body")

    monkeypatch.setattr("incidents.notices.delivery.send", broken)
    with smtp_server(settings) as mailbox:
        queue_send(notice=approved, by=cast.comms)
        run_queued(queued_tasks)  # the worker's part: the send task's function
    failed = Notice.objects.get(pk=approved.pk)
    assert mailbox.messages == [] and failed.state == "send_failed"
    assert "ValueError" in failed.send_error and "no body" in failed.send_error


def test_every_attempt_to_send_a_notice_carries_the_same_message_id(settings, cast, approved):
    """A worker that dies after the mail server took the message but before the send was
    recorded sends it again: the copies share a Message-ID, so they are one message."""
    from incidents.notices import delivery

    queued = Notice.objects.get(pk=approved.pk)
    queued.content_sha256 = "ab" * 32
    queued.recipients = ["security@payflow.example"]
    with smtp_server(settings) as mailbox:
        delivery.send(queued)
        delivery.send(queued)
    first, second = mailbox.messages
    assert first["Message-ID"] == second["Message-ID"] == delivery.message_id(queued)
    assert first["Message-ID"].startswith(f"<notice-{approved.pk}.abababab")


def test_a_send_the_broker_lost_is_handed_to_the_mailer_again_and_sent_once(
    settings, cast, approved, queued_tasks
):
    from datetime import timedelta

    from django.utils import timezone

    from incidents.services.notices import sweep_stuck_sends

    queue_send(notice=approved, by=cast.comms)
    queued_tasks.clear()  # the broker lost it: no worker will ever run this one
    assert sweep_stuck_sends() == []  # not late yet
    Notice.objects.filter(pk=approved.pk).update(
        send_queued_at=timezone.now() - timedelta(minutes=10)
    )
    assert sweep_stuck_sends() == [approved.pk]
    assert approved.incident.events.filter(verb="notice.send_requeued").count() == 1
    with smtp_server(settings) as mailbox:
        run_queued(queued_tasks)
    sent = Notice.objects.get(pk=approved.pk)
    assert len(mailbox.messages) == 1 and sent.state == "sent" and sent.send_queued_at is None
    assert sweep_stuck_sends() == []


def test_a_batch_the_broker_lost_is_drafted_after_the_sweep(cast, incident, queued_tasks):
    """A worker died after two drafts of five (or the broker lost the task): the sweeper
    queues it again once it has made no progress for a while, and the rest is drafted once."""
    from datetime import timedelta

    from django.utils import timezone

    from incidents.models import NoticeBatch
    from incidents.presentation.timeline_words import describe
    from incidents.services.notices import (
        draft_next_in_batch,
        start_draft_batch,
        sweep_stuck_batches,
    )

    partners = [Partner.objects.create(name=f"Creator {n}", audience="creator") for n in range(5)]
    template = NoticeTemplate.objects.filter(name="Creator update").latest("version")
    batch = start_draft_batch(
        incident=incident, template=template, partners=partners, by=cast.comms
    )
    queued_tasks.clear()  # lost with its worker...
    assert draft_next_in_batch(batch.pk) and draft_next_in_batch(batch.pk)  # ...after two
    assert sweep_stuck_batches() == []  # progress just now: alive
    NoticeBatch.objects.filter(pk=batch.pk).update(
        progress_at=timezone.now() - timedelta(minutes=6)
    )
    assert sweep_stuck_batches() == [batch.pk]
    assert sweep_stuck_batches() == []  # queued again just now: not twice
    [again] = queued_tasks
    assert again.run() == 3
    batch.refresh_from_db()
    assert (batch.done, batch.total) == (5, 5) and batch.finished_at is not None
    assert Notice.objects.filter(batch=batch).count() == 5
    [requeued] = incident.events.filter(verb="notice.batch_requeued")
    assert "2 of 5 made" in describe(requeued)
    NoticeBatch.objects.filter(pk=batch.pk).update(progress_at=timezone.now() - timedelta(hours=1))
    assert sweep_stuck_batches() == []  # finished: never again


def test_each_delivery_attempt_is_kept_with_what_the_server_said(
    settings, cast, approved, queued_tasks
):
    """A worker lost mid-delivery leaves its attempt with no result (the server may have
    taken the message); the next attempt's copy has the same Message-ID, and the server's
    receipt is kept with it and on the chain."""
    from datetime import timedelta

    from django.utils import timezone

    from incidents.models import NoticeDelivery
    from incidents.presentation.timeline_words import describe
    from incidents.services.notices import start_delivery, sweep_stuck_sends
    from tests.conftest import client_for

    queue_send(notice=approved, by=cast.comms)
    queued_tasks.clear()  # its worker took it...
    start_delivery(notice_id=approved.pk, worker="worker@lost")  # ...and then it died
    Notice.objects.filter(pk=approved.pk).update(
        send_queued_at=timezone.now() - timedelta(minutes=10)
    )
    assert sweep_stuck_sends() == [approved.pk]
    with smtp_server(settings) as mailbox:
        run_queued(queued_tasks)
    assert len(mailbox.messages) == 1
    lost, taken = NoticeDelivery.objects.filter(notice=approved).order_by("attempt")
    assert (lost.attempt, lost.outcome, lost.finished_at) == (1, "pending", None)
    assert (taken.attempt, taken.outcome, taken.reply) == (2, "accepted", "250 OK")
    sent = approved.incident.events.get(verb="notice.sent")
    assert sent.after["attempt"] == 2 and "accepted for delivery" in describe(sent)
    page = client_for(cast.auditor).get(
        f"/incidents/{approved.incident.reference}/notices/{approved.pk}/"
    )
    text = page.content.decode()
    assert "Attempt 1" in text and "No result (worker lost)" in text and "worker@lost" in text
    assert "Attempt 2" in text and "Accepted by the mail server" in text and "250 OK" in text


def test_a_mail_server_away_is_a_retry_on_the_record_then_a_delivery(
    settings, cast, approved, queued_tasks
):
    from incidents.models import NoticeDelivery
    from incidents.presentation.timeline_words import describe
    from incidents.tasks import send_notice
    from tests.processes import free_port

    queue_send(notice=approved, by=cast.comms)
    settings.EMAIL_BACKEND = "incidents.notices.smtp_backend.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    with pytest.raises(ConnectionError):
        send_notice(approved.pk)  # called directly: the retry re-raises
    [retried] = approved.incident.events.filter(verb="notice.delivery_retried")
    assert "will be tried again: could not reach the mail server" in describe(retried)
    with smtp_server(settings) as mailbox:
        send_notice(approved.pk)
    assert len(mailbox.messages) == 1
    outcomes = list(
        NoticeDelivery.objects.filter(notice=approved).values_list("attempt", "outcome")
    )
    assert outcomes == [(1, "retrying"), (2, "accepted")]
    assert Notice.objects.get(pk=approved.pk).state == "sent"


def test_a_worker_killed_during_delivery_leaves_one_sent_notice_and_one_message_id(
    settings, cast, approved
):
    """Issue 14's fault 5 with real workers: the mail server has taken the message when the
    worker dies before hearing so. The notice is sent again by another worker (the broker
    redelivers it): the copies share one Message-ID, the record shows the lost attempt and
    the accepted one, and the notice is sent once."""
    import time

    from incidents.models import NoticeDelivery
    from tests.processes import running_stack
    from tests.services import require_redis

    require_redis()
    env = {"CELERY_TASK_TIME_LIMIT": "4", "CELERY_VISIBILITY_TIMEOUT": "6"}
    with smtp_server(settings) as mailbox:
        env["EMAIL_URL"] = f"smtp://127.0.0.1:{settings.EMAIL_PORT}?tls=0"
        with running_stack(**env) as stack:
            mailbox.answer_after = 30
            stack.start_worker("doomed")
            queue_send(notice=approved, by=cast.comms)
            deadline = time.monotonic() + 20
            while not mailbox.messages and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(mailbox.messages) == 1, "the worker never reached the mail server"
            stack.kill("doomed")
            mailbox.answer_after = 0
            stack.start_worker("survivor")
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline:
                if Notice.objects.get(pk=approved.pk).state == "sent":
                    break
                time.sleep(0.2)
    first, second = mailbox.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert Notice.objects.get(pk=approved.pk).state == "sent"
    attempts = list(
        NoticeDelivery.objects.filter(notice=approved).values_list("attempt", "outcome", "reply")
    )
    assert attempts == [(1, "pending", ""), (2, "accepted", "250 OK")]
    assert approved.incident.events.filter(verb="notice.sent").count() == 1


def test_a_delivery_whose_heartbeat_fell_silent_is_handed_to_the_mailer_again_at_once(
    cast, approved, queued_tasks
):
    """Long before the 5-minute grace: the attempt this hand-over started stopped beating,
    so its worker died mid-delivery. A beating one is left alone, and the lost attempt
    does not bring the notice back a second time."""
    from datetime import timedelta

    from django.utils import timezone

    from incidents.models import NoticeDelivery
    from incidents.services.notices import DELIVERY_SILENCE, start_delivery, sweep_stuck_sends

    queue_send(notice=approved, by=cast.comms)
    queued_tasks.clear()
    attempt = start_delivery(notice_id=approved.pk, worker="worker@doomed")
    assert sweep_stuck_sends() == []  # beating: a live worker is talking to the server
    NoticeDelivery.objects.filter(pk=attempt).update(
        heartbeat_at=timezone.now() - DELIVERY_SILENCE - timedelta(seconds=1)
    )
    assert sweep_stuck_sends() == [approved.pk]
    assert [q.args for q in queued_tasks] == [(approved.pk,)]
    assert sweep_stuck_sends() == []  # that lost attempt is older than the new hand-over


def test_a_send_is_handed_over_again_at_once_when_the_broker_lost_its_messages(
    cast, approved, queued_tasks
):
    from incidents.services.notices import sweep_stuck_sends

    queue_send(notice=approved, by=cast.comms)
    queued_tasks.clear()
    assert sweep_stuck_sends() == []
    assert sweep_stuck_sends(broker_lost=True) == [approved.pk]
    assert [q.args for q in queued_tasks] == [(approved.pk,)]


def test_the_notice_page_says_sending_then_reloads_on_the_outcome(cast, approved, queued_tasks):
    """After "Send" the page says "sending…" and asks every 2 s; once the mail server has
    answered, the answer tells the page to reload (showing sent, or the failure)."""
    from incidents.services.notices import record_delivery
    from tests.conftest import client_for

    queue_send(notice=approved, by=cast.comms)
    client = client_for(cast.comms)
    page_url = f"/incidents/{approved.incident.reference}/notices/{approved.pk}/"
    page = client.get(page_url).content.decode()
    assert 'id="delivery-status"' in page and 'hx-trigger="every 2s"' in page
    status = client.get(page_url + "status/")
    assert "Sending…" in status.content.decode() and "HX-Refresh" not in status
    record_delivery(notice_id=approved.pk, error="550 mailbox unavailable")
    done = client.get(page_url + "status/")
    assert done["HX-Refresh"] == "true"
    after = client.get(page_url).content.decode()
    assert 'id="delivery-status"' not in after and "550 mailbox unavailable" in after
