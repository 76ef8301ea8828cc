"""Playbooks applied to incidents, item dependencies, check runs recorded once, deadlines."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.checks import CheckOutcome
from incidents.models import ChecklistItem, CheckRun, Notification, Playbook
from incidents.services import ServiceError, check_runs, deadlines
from incidents.services.checklists import (
    apply_playbook,
    set_item_check_params,
    set_item_state,
    set_rerun,
    validate_steps,
)
from incidents.services.incident_fields import token_of, update_field


@pytest.fixture
def playbook(db):
    from incidents.models import PlaybookItem
    from incidents.seed import seed_playbooks

    seed_playbooks(Playbook, PlaybookItem)
    return Playbook.objects.get(slug="exposed-internal-api-endpoint")


@pytest.fixture
def checklist(incident, cast, playbook):
    apply_playbook(incident=incident, playbook=playbook, by=cast.commander)
    return {item.key: item for item in incident.checklist.all()}


def test_applying_the_scenario_playbook_creates_its_steps_with_dependencies(
    incident, cast, checklist, playbook
):
    assert (
        len(checklist) == 10 and checklist["patch-endpoint"].check_kind == "endpoint_requires_auth"
    )
    assert list(checklist["patch-endpoint"].depends_on.values_list("key", flat=True)) == [
        "rate-limit"
    ]
    assert all(item.playbook_id == playbook.pk for item in checklist.values())
    assert incident.events.get(verb="checklist.playbook_applied").after["version"] == 1
    with pytest.raises(ServiceError, match="applied before"):
        apply_playbook(incident=incident, playbook=playbook, by=cast.commander)


def test_due_dates_count_from_becoming_aware(incident, cast, playbook):
    aware = timezone.now() - timedelta(hours=2)
    update_field(
        incident=incident,
        field="detected_at",
        value=aware - timedelta(hours=1),
        was=token_of(incident, "detected_at"),
        by=cast.commander,
    )
    update_field(incident=incident, field="aware_at", value=aware, was="", by=cast.commander)
    apply_playbook(incident=incident, playbook=playbook, by=cast.commander)
    assert incident.checklist.get(key="rate-limit").due_at == aware + timedelta(hours=6)


def test_a_step_cannot_be_done_before_its_dependencies(cast, checklist):
    with pytest.raises(ServiceError, match="cannot be done before: Deploy temporary rate limiting"):
        set_item_state(item=checklist["patch-endpoint"], state="done", by=cast.responder)
    set_item_state(item=checklist["open-and-assess"], state="done", by=cast.commander)
    set_item_state(
        item=checklist["rate-limit"],
        state="skipped",
        by=cast.commander,
        reason="WAF already limits",
    )
    assert (
        set_item_state(item=checklist["patch-endpoint"], state="done", by=cast.responder).state
        == "done"
    )


def test_skipping_needs_a_reason(cast, checklist):
    with pytest.raises(ServiceError, match="needs a reason"):
        set_item_state(item=checklist["review-similar"], state="skipped", by=cast.responder)


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            [{"key": "a", "depends_on": ["b"]}, {"key": "b", "depends_on": ["a"]}],
            "cycle: a → b → a",
        ),
        ([{"key": "a", "depends_on": ["ghost"]}], "unknown step"),
        ([{"key": "a"}, {"key": "a"}], "share a key"),
        ([{"key": "a", "check_kind": "nmap"}], "Unknown check kind"),
    ],
)
def test_bad_playbook_steps_are_refused(steps, message):
    with pytest.raises(ServiceError, match=message):
        validate_steps(steps)


def test_check_parameters_are_validated_before_save(settings, cast, checklist):
    settings.CHECK_TARGET_ALLOWLIST = ["api.melztube.test"]
    with pytest.raises(ServiceError, match="is not one of them"):
        set_item_check_params(
            item=checklist["patch-endpoint"], params={"url": "http://169.1.1.1/"}, by=cast.responder
        )
    item = set_item_check_params(
        item=checklist["patch-endpoint"],
        params={"url": "https://api.melztube.test/internal/v2"},
        by=cast.responder,
    )
    assert item.check_params == {"url": "https://api.melztube.test/internal/v2", "method": "GET"}


def _queued_run(item, cast):
    run = CheckRun.objects.create(
        incident=item.incident, item=item, kind=item.check_kind, params=item.check_params
    )
    return run


def test_a_run_is_recorded_once_even_if_delivered_twice(cast, checklist):
    run = _queued_run(checklist["rotation-complete"], cast)
    first = check_runs.claim(run.pk)
    assert first is not None
    assert check_runs.claim(run.pk) is None  # a duplicate delivery: a live worker has it
    # Its worker went silent: a redelivery takes it over; the first to finish is recorded.
    CheckRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - check_runs.RUN_SILENCE - timedelta(seconds=1)
    )
    second = check_runs.claim(run.pk)
    assert second is not None
    assert check_runs.finish(first, CheckOutcome("fail", "0 of 0"), worker="w1") is True
    assert check_runs.finish(second, CheckOutcome("pass", "late"), worker="w2") is False
    assert check_runs.claim(run.pk) is None
    run.refresh_from_db()
    assert run.status == "fail" and run.attempts == 2
    assert run.incident.events.filter(verb="check.ran").count() == 1


def test_a_run_given_back_for_a_retry_is_claimed_again(cast, checklist):
    run = _queued_run(checklist["rotation-complete"], cast)
    assert check_runs.claim(run.pk) is not None
    check_runs.release(run.pk)
    assert CheckRun.objects.get(pk=run.pk).status == "queued"
    assert check_runs.claim(run.pk) is not None


@pytest.mark.django_db(transaction=True)  # the heartbeat's thread has its own connection
def test_the_heartbeat_is_written_while_a_check_runs(cast, checklist, monkeypatch):
    import time

    run = _queued_run(checklist["rotation-complete"], cast)
    assert check_runs.claim(run.pk) is not None
    long_ago = timezone.now() - timedelta(hours=1)
    CheckRun.objects.filter(pk=run.pk).update(heartbeat_at=long_ago)
    monkeypatch.setattr(check_runs, "HEARTBEAT_EVERY", 0.05)
    with check_runs.heartbeat(run.pk):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if CheckRun.objects.get(pk=run.pk).heartbeat_at > long_ago:
                break
            time.sleep(0.02)
    assert CheckRun.objects.get(pk=run.pk).heartbeat_at > long_ago


def test_a_passing_check_completes_its_step_when_dependencies_are_done(cast, checklist):
    set_item_state(item=checklist["open-and-assess"], state="done", by=cast.commander)
    run = _queued_run(checklist["rate-limit"], cast)
    check_runs.finish(check_runs.claim(run.pk), CheckOutcome("pass", "429 after 6"), worker="w1")
    item = ChecklistItem.objects.get(pk=checklist["rate-limit"].pk)
    assert item.state == "done" and item.last_outcome == "pass"


def test_a_failing_check_with_a_schedule_is_queued_again(settings, cast, checklist):
    settings.CHECK_TARGET_ALLOWLIST = ["127.0.0.1"]
    set_item_check_params(
        item=checklist["rate-limit"], params={"url": "http://127.0.0.1:9/"}, by=cast.responder
    )
    item = set_rerun(item=checklist["rate-limit"], every_minutes=5, by=cast.responder)
    run = _queued_run(item, cast)
    check_runs.finish(check_runs.claim(run.pk), CheckOutcome("fail", "no 429"), worker="w1")
    item.refresh_from_db()
    assert item.next_run_at > timezone.now() + timedelta(minutes=4)
    ChecklistItem.objects.filter(pk=item.pk).update(next_run_at=timezone.now())
    assert deadlines.queue_due_reruns() == 1
    assert deadlines.queue_due_reruns() == 0


def test_deadline_watch_warns_once_and_notifies_the_assignee(cast, checklist):
    item = checklist["segment-network"]
    ChecklistItem.objects.filter(pk=item.pk).update(
        due_at=timezone.now() + timedelta(hours=3), assignee=cast.responder
    )
    ChecklistItem.objects.filter(pk=checklist["tell-partners"].pk).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    update_field(
        incident=item.incident, field="commander", value=cast.commander, was="", by=cast.commander
    )
    assert deadlines.watch() >= 2
    assert deadlines.watch() == 0
    events = item.incident.events.filter(verb__startswith="deadline.")
    assert {e.verb for e in events} >= {"deadline.approaching", "deadline.missed"}
    assert (
        Notification.objects.filter(user=cast.responder, text__contains="Tighten network").count()
        == 1
    )
    assert Notification.objects.filter(user=cast.commander, text__contains="is past due").exists()


def test_runs_the_broker_may_have_lost_are_queued_again_once_with_a_reason(
    cast, checklist, queued_tasks, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from incidents.presentation.timeline_words import describe

    waiting = _queued_run(checklist["rotation-complete"], cast)
    orphaned = _queued_run(checklist["rotation-complete"], cast)
    fresh = _queued_run(checklist["rotation-complete"], cast)
    long_ago = timezone.now() - timedelta(hours=1)
    CheckRun.objects.filter(pk=waiting.pk).update(queued_at=long_ago)
    CheckRun.objects.filter(pk=orphaned.pk).update(status="running", started_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        swept = check_runs.sweep_stuck_runs()
    assert sorted(swept) == sorted([waiting.pk, orphaned.pk])
    assert [q.args for q in queued_tasks] == [(waiting.pk,), (orphaned.pk,)] or [
        q.args for q in queued_tasks
    ] == [(orphaned.pk,), (waiting.pk,)]
    assert CheckRun.objects.get(pk=orphaned.pk).status == "queued"
    events = list(waiting.incident.events.filter(verb="check.requeued"))
    assert len(events) == 2 and "its worker was lost" in " ".join(describe(e) for e in events)
    # Queued again just now: the next sweep leaves them (and the fresh one) alone.
    with django_capture_on_commit_callbacks(execute=True):
        assert check_runs.sweep_stuck_runs() == []
    assert len(queued_tasks) == 2 and fresh.pk not in [q.args[0] for q in queued_tasks]
    # The re-delivered run is recorded once, like any other.
    run = check_runs.claim(waiting.pk)
    assert check_runs.finish(run, CheckOutcome("pass", "ok"), worker="w1") is True


def test_a_running_run_is_left_to_its_worker_while_its_heartbeat_beats(
    cast, checklist, queued_tasks, django_capture_on_commit_callbacks
):
    """However long it runs: a live worker beats; a run silent for RUN_SILENCE lost its
    worker and comes back within seconds, never taken from a live one."""
    alive = _queued_run(checklist["rotation-complete"], cast)
    lost = _queued_run(checklist["rotation-complete"], cast)
    now = timezone.now()
    silence = check_runs.RUN_SILENCE
    CheckRun.objects.filter(pk=alive.pk).update(
        status="running",
        started_at=now - timedelta(hours=1),
        heartbeat_at=now - silence + timedelta(seconds=3),
    )
    CheckRun.objects.filter(pk=lost.pk).update(
        status="running",
        started_at=now - silence,
        heartbeat_at=now - silence - timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert check_runs.sweep_stuck_runs() == [lost.pk]
    assert CheckRun.objects.get(pk=alive.pk).status == "running"
    assert [q.args for q in queued_tasks] == [(lost.pk,)]


def test_every_waiting_run_is_queued_again_at_once_when_the_broker_lost_its_messages(
    cast, checklist, queued_tasks, django_capture_on_commit_callbacks
):
    from incidents.presentation.timeline_words import describe

    just_queued = _queued_run(checklist["rotation-complete"], cast)
    with django_capture_on_commit_callbacks(execute=True):
        assert check_runs.sweep_stuck_runs() == []  # within its grace
        assert check_runs.sweep_stuck_runs(broker_lost=True) == [just_queued.pk]
    event = just_queued.incident.events.get(verb="check.requeued")
    assert "the broker lost its messages" in describe(event)
    assert [q.args for q in queued_tasks] == [(just_queued.pk,)]


def test_a_check_that_overruns_its_time_is_recorded_as_an_error(cast, checklist, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from incidents import tasks

    class Stuck:
        def run(self, params, context):
            raise SoftTimeLimitExceeded()

    monkeypatch.setattr(tasks, "check_for", lambda kind: Stuck())
    run = _queued_run(checklist["rotation-complete"], cast)
    tasks.run_check_run(run.pk)  # the task's function, called directly
    run.refresh_from_db()
    assert run.status == "error" and run.evidence == {"timed_out": True}
    ran = run.incident.events.get(verb="check.ran")
    assert "ran longer than" in str(ran.after)


def test_a_failed_check_says_why_on_its_step(cast, checklist):
    from django.template.loader import render_to_string

    from incidents.roles import RESPONDER, RoleSet
    from incidents.selectors.mitigation import checklist_context

    item = checklist["rotation-complete"]
    run = _queued_run(item, cast)
    check_runs.finish(
        check_runs.claim(run.pk), CheckOutcome("fail", "2 of 5 tasks still open"), worker="w1"
    )
    html = render_to_string(
        "incidents/incident_detail.html#checklist",
        checklist_context(item.incident, RoleSet(frozenset({RESPONDER}))),
    )
    step = html.split(f'id="item-{item.pk}"', 1)[1].split("</li>", 1)[0]
    assert "FAIL</span>" in step and '<span class="why">2 of 5 tasks still open</span>' in step
