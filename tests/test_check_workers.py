"""Automated checks through real Celery worker processes (Redis broker) against a local
server playing the SCENARIO endpoint: open, then patched; and a worker killed mid-check."""

from __future__ import annotations

import time

import pytest

from incidents.models import ChecklistItem, CheckRun, Playbook, PlaybookItem
from incidents.seed import seed_playbooks
from incidents.services.check_runs import request_item_check
from incidents.services.checklists import apply_playbook, set_item_check_params, set_item_state
from tests.processes import running_stack
from tests.scenario_server import scenario_endpoint
from tests.services import require_redis

pytestmark = pytest.mark.django_db(transaction=True)
# Short limits so a lost task comes back within the test: hard limit 4 s, redelivery 6 s.
WORKER_ENV = {
    "CHECK_TARGET_ALLOWLIST": "127.0.0.1",
    "CELERY_TASK_TIME_LIMIT": "4",
    "CELERY_VISIBILITY_TIMEOUT": "6",
    "CELERY_RESTORE_INTERVAL": "1",
}


@pytest.fixture
def patch_step(settings, cast, incident):
    require_redis()
    settings.CHECK_TARGET_ALLOWLIST = ["127.0.0.1"]
    seed_playbooks(Playbook, PlaybookItem)
    apply_playbook(
        incident=incident,
        playbook=Playbook.objects.get(slug="exposed-internal-api-endpoint"),
        by=cast.commander,
    )
    for key in ("open-and-assess", "rate-limit"):
        set_item_state(item=incident.checklist.get(key=key), state="done", by=cast.commander)
    return incident.checklist.get(key="patch-endpoint")


def _finished(run: CheckRun, timeout: float) -> CheckRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in ("pass", "fail", "error"):
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run.pk} still {run.status} after {timeout}s")


def test_the_check_fails_while_open_and_passes_once_patched(cast, patch_step):
    with scenario_endpoint() as (url, state), running_stack(**WORKER_ENV) as stack:
        set_item_check_params(
            item=patch_step, params={"url": url + "/internal/v2/content"}, by=cast.responder
        )
        stack.start_worker()
        first = _finished(request_item_check(item=patch_step, by=cast.responder), 15)
        state.patched = True
        second = _finished(request_item_check(item=patch_step, by=cast.responder), 15)
    assert (first.status, first.evidence["status"]) == ("fail", 200)
    assert (second.status, second.evidence["status"]) == ("pass", 401)
    assert ChecklistItem.objects.get(pk=patch_step.pk).state == "done"  # completed itself
    outcomes = [
        e.after["outcome"]
        for e in patch_step.incident.events.filter(verb="check.ran").order_by("seq")
    ]
    assert outcomes == ["fail", "pass"]


def _check_on_a_doomed_worker(cast, patch_step, url: str, stack) -> CheckRun:
    """The step's check against the local endpoint, queued to a worker named "doomed"."""
    set_item_check_params(
        item=patch_step, params={"url": url + "/internal/v2/content"}, by=cast.responder
    )
    stack.start_worker("doomed")
    return request_item_check(item=patch_step, by=cast.responder)


def test_a_worker_killed_mid_check_leaves_the_check_to_another_recorded_once(cast, patch_step):
    with scenario_endpoint() as (url, state), running_stack(**WORKER_ENV) as stack:
        state.patched, state.delay_seconds = True, 2.5
        run = _check_on_a_doomed_worker(cast, patch_step, url, stack)
        deadline = time.monotonic() + 15
        while state.hits == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert state.hits == 1, "the first worker never started the check"
        stack.kill("doomed")  # SIGKILL to the whole worker, mid-request
        state.delay_seconds = 0
        stack.start_worker("survivor")
        run = _finished(run, 40)
    assert run.status == "pass" and run.attempts == 2
    assert patch_step.incident.events.filter(verb="check.ran").count() == 1


def _wait_for_hit(state, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while state.hits == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert state.hits == 1, "the worker never started the check"


def test_a_run_lost_with_its_whole_worker_comes_back_by_the_sweeper(cast, patch_step, monkeypatch):
    """The broker keeps the killed worker's message for its visibility timeout (an hour by
    default, here too): only the sweeper brings the run back, once its heartbeat is silent."""
    from datetime import timedelta

    from incidents.services import check_runs

    env = {**WORKER_ENV, "CELERY_VISIBILITY_TIMEOUT": "3600"}
    with scenario_endpoint() as (url, state), running_stack(**env) as stack:
        state.patched, state.delay_seconds = True, 30
        run = _check_on_a_doomed_worker(cast, patch_step, url, stack)
        _wait_for_hit(state)
        stack.kill("doomed")
        state.delay_seconds = 0
        stack.start_worker("survivor")
        time.sleep(2)
        run.refresh_from_db()
        assert run.status == "running"  # nobody will take it: the broker holds it unacked
        assert check_runs.sweep_stuck_runs() == []  # its heartbeat is recent: left alone
        # Its heartbeat is silent for good; wait out a shortened silence, not 15 s.
        monkeypatch.setattr(check_runs, "RUN_SILENCE", timedelta(seconds=1))
        time.sleep(1.2)
        assert check_runs.sweep_stuck_runs() == [run.pk]
        run = _finished(run, 20)
    assert run.status == "pass"
    incident = patch_step.incident
    assert incident.events.filter(verb="check.requeued").count() == 1
    assert incident.events.filter(verb="check.ran").count() == 1


def test_a_check_the_broker_lost_before_any_worker_took_it_comes_back(cast, patch_step):
    """Queued while no worker ran, then the broker lost it (its queues emptied, as a Redis
    restart without persistence does): the sweeper finds its marker gone, queues the run
    again at once, and a worker runs it."""
    from config.celery import app as celery_app
    from incidents import broker_watch
    from incidents.services import check_runs

    with scenario_endpoint() as (url, state), running_stack(**WORKER_ENV) as stack:
        state.patched = True
        set_item_check_params(
            item=patch_step, params={"url": url + "/internal/v2/content"}, by=cast.responder
        )
        run = request_item_check(item=patch_step, by=cast.responder)
        broker_watch.messages_lost()  # leaves its marker, if none was there
        assert broker_watch.messages_lost() is False
        # What a Redis restarted without its data does: every queue empty.
        with celery_app.connection_for_write() as connection:
            lost = connection.default_channel.queue_purge(stack.queue)
            connection.default_channel.queue_purge(broker_watch.marker_queue().name)
        assert lost == 1
        stack.start_worker()
        time.sleep(2)
        run.refresh_from_db()
        assert run.status == "queued" and state.hits == 0  # gone from the broker
        assert check_runs.sweep_stuck_runs() == []  # within its grace: nothing says it is lost
        assert broker_watch.messages_lost() is True
        assert check_runs.sweep_stuck_runs(broker_lost=True) == [run.pk]
        run = _finished(run, 20)
    assert run.status == "pass" and state.hits == 1
