"""run_stack's supervisor: a child that dies is started again with backoff; the others keep
running (real child processes)."""

from __future__ import annotations

import sys
import time

from incidents.supervision import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
CRASHER = [sys.executable, "-c", "raise SystemExit(3)"]


def _until(condition, supervisor: Supervisor, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the supervisor did not get there"
        supervisor.step()
        time.sleep(0.02)


def test_a_killed_child_is_started_again_and_the_others_keep_running():
    said: list[str] = []
    supervisor = Supervisor({"web": SLEEPER, "relay": SLEEPER}, say=said.append, first_backoff=0.05)
    supervisor.start()
    try:
        web, relay = supervisor.children["web"], supervisor.children["relay"]
        web_pid, relay_pid = web.process.pid, relay.process.pid
        relay.process.kill()
        _until(lambda: relay.restarts == 1 and relay.process.poll() is None, supervisor)
        assert relay.process.pid != relay_pid
        assert web.process.pid == web_pid and web.process.poll() is None
        assert any(
            "relay exited with" in line and "the others keep running" in line for line in said
        )
    finally:
        supervisor.stop_all(grace=5)
    assert all(c.process.poll() is not None for c in supervisor.children.values())


def test_a_child_that_keeps_failing_waits_longer_each_time():
    said: list[str] = []
    supervisor = Supervisor({"relay": CRASHER}, say=said.append, first_backoff=0.05)
    supervisor.start()
    try:
        relay = supervisor.children["relay"]
        _until(lambda: relay.restarts == 3, supervisor)
        waits = [line.split("again in ")[1].split(" s")[0] for line in said if "again in" in line]
        assert [float(w) for w in waits[:3]] == [0.05, 0.1, 0.2]
    finally:
        supervisor.stop_all(grace=5)
