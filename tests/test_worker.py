"""A real Celery worker process runs the check the UI asks for and records it once."""

from __future__ import annotations

import time

import pytest

from incidents import tasks
from incidents.models import Event
from incidents.services.heartbeat import request_check
from tests.processes import running_stack

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for_events(incident, verb: str, count: int, timeout: float = 20) -> list[Event]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(Event.objects.filter(incident=incident, verb=verb).order_by("seq"))
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no {count} {verb} event(s) within {timeout}s")


def test_a_worker_process_appends_the_check_result(cast, incident):
    with running_stack() as stack:
        stack.start_worker()
        run_id = request_check(incident_id=incident.pk, check="heartbeat", by=cast.responder)
        [result] = _wait_for_events(incident, "check.ran", 1)
    assert result.after["run_id"] == run_id and result.after["outcome"] == "pass"
    assert result.actor_label.startswith("worker ")
    assert [e.verb for e in incident.events.order_by("seq")] == [
        "incident.opened",
        "check.requested",
        "check.ran",
    ]


def test_a_duplicate_delivery_records_one_result(cast, incident):
    with running_stack() as stack:
        stack.start_worker()
        for _ in range(2):
            tasks.run_check.delay(incident.pk, "heartbeat", "same-run-id")
        _wait_for_events(incident, "check.ran", 1)
        time.sleep(1.0)  # give the second delivery time to (not) write
    assert Event.objects.filter(incident=incident, verb="check.ran").count() == 1
