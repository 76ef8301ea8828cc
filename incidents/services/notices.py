"""The notice workflow: draft -> in review -> approved (by a second person) -> sent.

Any edit returns a notice to draft. When the facts change, notices whose claims no longer
hold are flagged and lose their approval; a sent notice never changes (a follow-up
supersedes it)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from incidents.models import (
    CLOSED_STATES,
    Incident,
    Notice,
    NoticeDelivery,
    NoticeState,
    NoticeTemplate,
    Partner,
)
from incidents.notices.claims import failing_claims
from incidents.notices.facts import gather
from incidents.notices.language import MAX_TEMPLATE, OutputTooLong, TemplateError
from incidents.notices.rendering import render_notice, validate
from incidents.services import ServiceError
from incidents.services.events import append_event
from incidents.services.keepalive import beating
from incidents.services.locking import lock_incident
from incidents.services.notifications import notice_path, notify
from incidents.services.text_rules import clean_text

OPEN_STATES = (
    NoticeState.DRAFT,
    NoticeState.IN_REVIEW,
    NoticeState.APPROVED,
    NoticeState.SEND_FAILED,
)


SUBJECT_MAX = 300


def _checked(subject: str, body: str) -> None:
    """A one-line subject (a line break would forge mail headers) and a body in size, both
    valid notice language; said with the sizes, never cut."""
    clean_text("Subject", subject, SUBJECT_MAX, one_line=True)
    clean_text("Body", body, MAX_TEMPLATE)
    try:
        validate(subject, body)
    except TemplateError as error:
        raise ServiceError(f"The notice cannot be used: {error}") from None


def _fits(*, incident: Incident, partner: Partner | None, subject: str, body: str) -> None:
    """The text it would send must fit too: found when drafting or editing, not at approval
    or send. Other rendering problems (a fact still missing) are said on the draft itself."""
    try:
        render_notice(incident=incident, subject=subject, body=body, partner=partner)
    except OutputTooLong as error:
        raise ServiceError(f"The notice cannot be used: {error}") from None
    except TemplateError:
        pass


def draft_notice(
    *, incident: Incident, partner: Partner, template: NoticeTemplate, by: Any
) -> Notice:
    _checked(template.subject, template.body)
    _fits(incident=incident, partner=partner, subject=template.subject, body=template.body)
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        notice = Notice.objects.create(
            incident=locked,
            partner=partner,
            template=template,
            subject=template.subject,
            body=template.body,
            last_editor=by,
        )
        append_event(
            incident=locked,
            verb="notice.drafted",
            actor=by,
            after={"notice": notice.pk, "partner": partner.name, "template": str(template)},
        )
    return notice


def edit_notice(
    *, notice: Notice, subject: str, body: str, by: Any, expected_version: int
) -> Notice:
    _checked(subject, body)
    _fits(incident=notice.incident, partner=notice.partner, subject=subject, body=body)
    with transaction.atomic():
        incident = lock_incident(notice.incident_id)
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.state == NoticeState.SENT:
            raise ServiceError(
                "A sent notice cannot be edited; send a follow-up that supersedes it."
            )
        if locked.version != expected_version:
            raise ServiceError(
                "Someone changed this notice while you were editing; reload to see their version."
            )
        before = locked.state
        locked.subject, locked.body, locked.last_editor = subject, body, by
        locked.state, locked.approved_by, locked.version = (
            NoticeState.DRAFT,
            None,
            locked.version + 1,
        )
        locked.save()
        append_event(
            incident=incident,
            verb="notice.edited",
            actor=by,
            before={"state": before},
            after={"notice": locked.pk, "partner": locked.partner.name, "state": NoticeState.DRAFT},
        )
    return locked


def submit_for_review(*, notice: Notice, by: Any) -> Notice:
    return _move(notice, NoticeState.IN_REVIEW, by, allowed_from=(NoticeState.DRAFT,))


def approve_notice(*, notice: Notice, by: Any) -> Notice:
    """A second person approves: never the last editor; only a notice whose claims hold."""
    if notice.last_editor_id == getattr(by, "pk", None):
        raise ServiceError("You edited this notice last; a second person must approve it.")
    try:
        rendered = render_notice(
            incident=notice.incident,
            subject=notice.subject,
            body=notice.body,
            partner=notice.partner,
        )
    except TemplateError as error:
        raise ServiceError(f"It cannot be approved: {error}") from None
    return _move(
        notice,
        NoticeState.APPROVED,
        by,
        allowed_from=(NoticeState.IN_REVIEW,),
        claims=rendered.claims,
    )


def _move(
    notice: Notice,
    to: str,
    by: Any,
    *,
    allowed_from: tuple[str, ...],
    claims: list[str] | None = None,
) -> Notice:
    with transaction.atomic():
        incident = lock_incident(notice.incident_id)
        locked = Notice.objects.select_for_update().select_related("partner").get(pk=notice.pk)
        if locked.state not in allowed_from:
            raise ServiceError(
                f"A notice that is {NoticeState(locked.state).label.lower()} cannot become "
                f"{NoticeState(to).label.lower()}."
            )
        before = locked.state
        locked.state = to
        if to == NoticeState.APPROVED:
            locked.approved_by, locked.stated_claims, locked.stale_reasons = by, claims or [], {}
        locked.save()
        append_event(
            incident=incident,
            verb="notice.state_changed",
            actor=by,
            before={"state": before},
            after={"notice": locked.pk, "partner": locked.partner.name, "state": to},
        )
        _tell_about(locked, incident, to, by)
    return locked


def _tell_about(notice: Notice, incident: Incident, state: str, by: Any) -> None:
    """The incident's commander learns a notice waits for approval; its editor that it
    was approved, sent or failed."""
    told = {
        NoticeState.IN_REVIEW: (incident.commander, "waits for your approval"),
        NoticeState.APPROVED: (notice.last_editor, f"was approved by {by}"),
        NoticeState.SENT: (notice.last_editor, "was sent"),
        NoticeState.SEND_FAILED: (notice.last_editor, "could not be sent"),
    }.get(NoticeState(state))
    if told is None:
        return
    person, words = told
    notify(
        user=person,
        incident=incident,
        text=f"The notice to {notice.partner.name} on {incident.reference} {words}",
        path=notice_path(incident, notice.pk),
        by=by,
    )


def revalidate_notices(*, incident: Incident, by: Any) -> list[Notice]:
    """After the facts changed (inside that change's transaction): flag every open notice
    whose claims no longer hold, and withdraw its approval. Returns the flagged ones."""
    facts = gather(incident)
    flagged = []
    for notice in Notice.objects.filter(incident=incident, state__in=OPEN_STATES).select_related(
        "partner"
    ):
        claims = notice.stated_claims or claims_in(notice)
        failing = failing_claims(claims, facts)
        if failing == notice.stale_reasons:
            continue
        before = notice.state
        notice.stale_reasons = failing
        if failing and notice.state == NoticeState.APPROVED:
            notice.state, notice.approved_by = NoticeState.IN_REVIEW, None
        notice.save(update_fields=["stale_reasons", "state", "approved_by", "updated_at"])
        if failing:
            append_event(
                incident=incident,
                verb="notice.flagged",
                actor=by,
                before={"state": before},
                after={
                    "notice": notice.pk,
                    "partner": notice.partner.name,
                    "state": notice.state,
                    "claims": failing,
                },
            )
            flagged.append(notice)
    return flagged


def claims_in(notice: Notice) -> list[str]:
    from incidents.notices.language import parse

    keys: list[str] = []

    def walk(nodes: list) -> None:
        for node in nodes:
            if node.kind == "claim":
                keys.append(node.value)
            walk(node.children)

    try:
        walk(parse(notice.subject) + parse(notice.body))
    except TemplateError:
        return []
    return keys


def queue_send(*, notice: Notice, by: Any) -> Notice:
    """Freeze what will be sent (rendered text, recipients, SHA-256) and queue delivery.
    Only an approved notice, or one whose last send failed, can be sent."""
    from incidents import tasks  # tasks import services

    with transaction.atomic():
        incident = lock_incident(notice.incident_id)
        locked = Notice.objects.select_for_update().select_related("partner").get(pk=notice.pk)
        if locked.state not in (NoticeState.APPROVED, NoticeState.SEND_FAILED):
            raise ServiceError(
                f"Only an approved notice can be sent (this one is "
                f"{NoticeState(locked.state).label.lower()})."
            )
        if locked.partner.retired_at is not None:
            raise ServiceError(f"{locked.partner.name} was retired from the directory.")
        recipients = sorted(
            locked.partner.contacts.filter(retired_at__isnull=True).values_list("email", flat=True)
        )
        if not recipients:
            raise ServiceError(
                f"{locked.partner.name} has no current email contact; add one before sending."
            )
        try:
            rendered = render_notice(
                incident=incident,
                subject=locked.subject,
                body=locked.body,
                partner=locked.partner,
            )
        except TemplateError as error:
            raise ServiceError(f"It cannot be sent: {error}") from None
        locked.rendered_subject, locked.rendered_body = rendered.subject, rendered.body
        locked.recipients, locked.send_error = recipients, ""
        locked.content_sha256 = content_digest(rendered.subject, rendered.body, recipients)
        locked.send_queued_at = timezone.now()
        locked.save()
        append_event(
            incident=incident,
            verb="notice.send_queued",
            actor=by,
            after={
                "notice": locked.pk,
                "partner": locked.partner.name,
                "recipients": recipients,
                "sha256": locked.content_sha256,
            },
        )
        transaction.on_commit(lambda: tasks.send_notice.delay(locked.pk))
    return locked


def content_digest(subject: str, body: str, recipients: list[str]) -> str:
    import hashlib

    material = "\n".join([subject, ",".join(recipients), body]).encode()
    return hashlib.sha256(material).hexdigest()


def start_delivery(*, notice_id: int, worker: str) -> int:
    """A new delivery attempt, numbered after the last; returns its id. An earlier one
    left with no result stays as it is: the record that a worker was lost mid-delivery."""
    from django.db.models import Max

    with transaction.atomic():
        Notice.objects.select_for_update().filter(pk=notice_id).first()  # numbering lock
        last = NoticeDelivery.objects.filter(notice_id=notice_id).aggregate(n=Max("attempt"))
        attempt = NoticeDelivery.objects.create(
            notice_id=notice_id,
            attempt=(last["n"] or 0) + 1,
            worker=worker[:200],
            heartbeat_at=timezone.now(),
        )
    return attempt.pk


def delivery_heartbeat(attempt_id: int) -> AbstractContextManager[None]:
    """Keep the attempt's heartbeat while the worker talks to the mail server."""
    return beating(
        lambda: NoticeDelivery.objects.filter(
            pk=attempt_id, outcome=NoticeDelivery.Outcome.PENDING
        ),
        DELIVERY_HEARTBEAT_EVERY,
        f"delivery attempt {attempt_id}",
    )


def _finish_attempt(attempt_id: int | None, outcome: str, reply: str) -> dict[str, Any]:
    """The attempt's result kept on its row; what the event says about it."""
    if attempt_id is None:
        return {}
    NoticeDelivery.objects.filter(pk=attempt_id).update(
        outcome=outcome, reply=reply[:2000], finished_at=timezone.now()
    )
    attempt = NoticeDelivery.objects.values_list("attempt", flat=True).get(pk=attempt_id)
    return {"attempt": attempt, "reply": reply[:2000]}


def record_retry(*, notice_id: int, attempt_id: int, reply: str) -> None:
    """A transient failure the worker tries again after: on the notice's record and its
    incident's chain, with the server's words."""
    with transaction.atomic():
        notice = Notice.objects.select_related("partner").get(pk=notice_id)
        incident = lock_incident(notice.incident_id)
        said = _finish_attempt(attempt_id, NoticeDelivery.Outcome.RETRYING, reply)
        append_event(
            incident=incident,
            verb="notice.delivery_retried",
            actor_label="mailer",
            after={"notice": notice.pk, "partner": notice.partner.name, **said},
        )


def record_delivery(
    *, notice_id: int, error: str = "", attempt_id: int | None = None, reply: str = ""
) -> Notice | None:
    """The worker's result: sent (frozen for good) or send failed with the server's reply.
    Returns None if the notice was already sent (a redelivered task)."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("partner").get(pk=notice_id)
        if notice.state == NoticeState.SENT:
            _finish_attempt(attempt_id, NoticeDelivery.Outcome.ACCEPTED, reply or error)
            return None
        incident = lock_incident(notice.incident_id)
        before = notice.state
        notice.send_queued_at = None
        if error:
            notice.state, notice.send_error = NoticeState.SEND_FAILED, error[:2000]
            said = _finish_attempt(attempt_id, NoticeDelivery.Outcome.REFUSED, error)
            verb, after = "notice.send_failed", {"error": notice.send_error, **said}
        else:
            notice.state, notice.sent_at = NoticeState.SENT, timezone.now()
            said = _finish_attempt(attempt_id, NoticeDelivery.Outcome.ACCEPTED, reply)
            verb, after = (
                "notice.sent",
                {"sha256": notice.content_sha256, "recipients": notice.recipients, **said},
            )
        notice.save()
        append_event(
            incident=incident,
            verb=verb,
            actor_label="mailer",
            before={"state": before},
            after={"notice": notice.pk, "partner": notice.partner.name, **after},
        )
        _tell_about(notice, incident, notice.state, None)
    return notice


def start_draft_batch(
    *, incident: Incident, template: NoticeTemplate, partners: list[Partner], by: Any
) -> Any:
    """Queue drafts for many partners; a worker makes them one by one (see tasks.draft_batch)."""
    from incidents import tasks
    from incidents.models import NoticeBatch

    _checked(template.subject, template.body)
    if not partners:
        raise ServiceError("Choose at least one partner.")
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        batch = NoticeBatch.objects.create(
            incident=locked,
            template=template,
            created_by=by,
            partner_ids=[p.pk for p in partners],
            total=len(partners),
        )
        append_event(
            incident=locked,
            verb="notice.batch_started",
            actor=by,
            after={"batch": batch.pk, "template": str(template), "partners": len(partners)},
        )
        transaction.on_commit(lambda: tasks.draft_batch.delay(batch.pk))
    return batch


def draft_for(
    *, incident: Incident, template: NoticeTemplate, partners: list[Partner], by: Any
) -> None:
    """One partner: the draft is made now. More: a worker makes them (with live progress),
    so a large audience never holds the request."""
    if len(partners) == 1:
        draft_notice(incident=incident, partner=partners[0], template=template, by=by)
    else:
        start_draft_batch(incident=incident, template=template, partners=partners, by=by)


def draft_next_in_batch(batch_id: int) -> bool:
    """Draft the next partner of the batch; False when none is left. Safe to repeat: a
    partner that already has this batch's draft is skipped."""
    from django.db.models import F
    from django.utils import timezone

    from incidents.models import NoticeBatch

    with transaction.atomic():
        # The batch's row lock: a copy of the task the sweeper queued again while the first
        # still runs waits here, then finds the partner drafted.
        batch = (
            NoticeBatch.objects.select_for_update(of=("self",))
            .select_related("template", "created_by")
            .get(pk=batch_id)
        )
        drafted = set(batch.notices.values_list("partner_id", flat=True))
        pending = [pk for pk in batch.partner_ids if pk not in drafted]
        if not pending:
            NoticeBatch.objects.filter(pk=batch_id, finished_at__isnull=True).update(
                finished_at=timezone.now()
            )
            return False
        partner = Partner.objects.get(pk=pending[0])
        notice = draft_notice(
            incident=batch.incident, partner=partner, template=batch.template, by=batch.created_by
        )
        Notice.objects.filter(pk=notice.pk).update(batch=batch)
        NoticeBatch.objects.filter(pk=batch_id).update(
            done=F("done") + 1, progress_at=timezone.now()
        )
    return True


def follow_up(*, notice: Notice, by: Any) -> Notice:
    """A sent notice never changes: a correction is a new draft that supersedes it."""
    if notice.state != NoticeState.SENT:
        raise ServiceError("Only a sent notice is followed up; edit this one instead.")
    with transaction.atomic():
        incident = lock_incident(notice.incident_id)
        new = Notice.objects.create(
            incident=incident,
            partner=notice.partner,
            template=notice.template,
            subject=f"Update: {notice.subject}",
            body=notice.body,
            supersedes=notice,
            last_editor=by,
        )
        append_event(
            incident=incident,
            verb="notice.drafted",
            actor=by,
            after={
                "notice": new.pk,
                "partner": notice.partner.name,
                "template": "follow-up",
                "supersedes": notice.pk,
            },
        )
    return new


def save_template_version(
    *, template: NoticeTemplate, subject: str, body: str, by: Any
) -> NoticeTemplate:
    """Editing a template makes its next version; drafts keep the version they came from.
    What it would render for each open incident must fit the size limit, found now rather
    than when someone drafts from it."""
    _checked(subject, body)
    for incident in Incident.objects.exclude(status__in=CLOSED_STATES).order_by("pk"):
        try:
            _fits(incident=incident, partner=None, subject=subject, body=body)
        except ServiceError as error:
            raise ServiceError(f"{error} for {incident.reference}.") from None
    with transaction.atomic():
        latest = (
            NoticeTemplate.objects.select_for_update()
            .filter(name=template.name)
            .order_by("-version")
            .first()
        )
        assert latest is not None
        if latest.subject == subject and latest.body == body:
            return latest
        return NoticeTemplate.objects.create(
            name=template.name,
            audience=template.audience,
            version=latest.version + 1,
            subject=subject,
            body=body,
            created_by=by,
        )


SEND_GRACE = timedelta(minutes=5)  # retries with backoff fit well inside this
# An attempt's heartbeat is written this often; silent for DELIVERY_SILENCE (three missed),
# its worker was lost mid-delivery and the notice is handed to the mailer again at once.
DELIVERY_HEARTBEAT_EVERY = 5.0
DELIVERY_SILENCE = timedelta(seconds=15)


BATCH_GRACE = timedelta(minutes=5)  # one draft takes milliseconds


def sweep_stuck_batches(*, broker_lost: bool = False) -> list[int]:
    """Queue again every unfinished draft batch with no draft made for BATCH_GRACE (the
    broker lost its task, or its worker died), or every one when the broker is known to
    have lost its messages; each is an event. Drafting is resumable and takes the batch's
    row: partners already drafted are skipped, and two tasks on one batch take turns."""
    from incidents import tasks
    from incidents.models import NoticeBatch

    cutoff = timezone.now() - (timedelta(0) if broker_lost else BATCH_GRACE)
    idle = Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff)
    stuck = list(
        NoticeBatch.objects.filter(idle, finished_at__isnull=True).values_list("pk", flat=True)[
            :100
        ]
    )
    requeued = []
    for batch_id in stuck:
        with transaction.atomic():
            # The batch's row first, then the incident: the order drafting takes them in.
            batch = NoticeBatch.objects.select_for_update().get(pk=batch_id)
            incident = lock_incident(batch.incident_id)
            moved = NoticeBatch.objects.filter(idle, pk=batch_id, finished_at__isnull=True).update(
                progress_at=timezone.now()
            )
            if not moved:
                continue
            append_event(
                incident=incident,
                verb="notice.batch_requeued",
                actor_label="system",
                after={"batch": batch.pk, "done": batch.done, "total": batch.total},
            )
            transaction.on_commit(partial(tasks.draft_batch.delay, batch_id))
        requeued.append(batch_id)
    return requeued


def sweep_stuck_sends(*, broker_lost: bool = False) -> list[int]:
    """Queue again every approved notice neither sent nor failed that was handed to the
    workers more than SEND_GRACE ago (or at all, when the broker is known to have lost its
    messages), or whose delivery attempt's heartbeat fell silent; each is an event. A copy
    the mail server already took is harmless: every attempt has the same Message-ID."""
    from incidents import tasks

    now = timezone.now()
    cutoff = now - (timedelta(0) if broker_lost else SEND_GRACE)
    # The attempt this hand-over started, gone silent: its worker died mid-delivery.
    lost_attempt = Exists(
        NoticeDelivery.objects.filter(
            notice=OuterRef("pk"),
            outcome=NoticeDelivery.Outcome.PENDING,
            started_at__gte=OuterRef("send_queued_at"),
            heartbeat_at__lt=now - DELIVERY_SILENCE,
        )
    )
    late = Q(send_queued_at__lt=cutoff) | lost_attempt
    stuck = list(
        Notice.objects.filter(late, state=NoticeState.APPROVED).values_list("pk", flat=True)[:500]
    )
    requeued = []
    for notice_id in stuck:
        with transaction.atomic():
            notice = Notice.objects.select_related("partner").get(pk=notice_id)
            incident = lock_incident(notice.incident_id)
            moved = Notice.objects.filter(late, pk=notice_id, state=NoticeState.APPROVED).update(
                send_queued_at=timezone.now()
            )
            if not moved:
                continue
            append_event(
                incident=incident,
                verb="notice.send_requeued",
                actor_label="system",
                after={"notice": notice.pk, "partner": notice.partner.name},
            )
            transaction.on_commit(partial(tasks.send_notice.delay, notice_id))
        requeued.append(notice_id)
    return requeued
