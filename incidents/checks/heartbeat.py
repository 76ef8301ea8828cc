"""The worker heartbeat: proof from the incident page that a real worker takes tasks and
reaches the database (its result is an event on the incident's chain, recorded by
services/heartbeat.py)."""

from __future__ import annotations

from typing import Any

from incidents.checks.base import CheckContext, CheckOutcome, register
from incidents.checks.params import only_known


class WorkerHeartbeat:
    kind = "heartbeat"
    label = "Worker heartbeat (a worker reaches the database and the event log)"

    def clean(self, params: dict[str, Any]) -> dict[str, Any]:
        only_known(params, set())
        return {}

    def run(self, params: dict[str, Any], context: CheckContext) -> CheckOutcome:
        # Running at all is the proof: the worker took the task and will append the result.
        return CheckOutcome("pass", "worker reached the database and the event log")


register(WorkerHeartbeat(), incident_wide=True)
