"""Faults injected into a running stack (issue 14), on loopback.

The stack is `manage.py run_stack` (web, worker, beat, relay under one supervisor), as a
newcomer or a small deployment runs it, with a Redis server of its own and PostgreSQL
reached through a proxy the bench can cut (bench/cuttable_proxy.py; the machine's shared
servers are never stopped) and a mail server of its own (aiosmtpd) that can be slow to
answer. While each fault runs, a responder writes two notes a second,
five websocket viewers watch the incident page (reconnecting and catching up by seq as
static/app.js does) and a prober loads the page four times a second.

Printed per fault: page loads that failed (500s, resets; a 503 with Retry-After is counted
apart: an honest "busy, try again"), notes refused while the database was away, events
missing on open pages once it is over, whether the pages were told they were not live,
runs left stuck, seconds from the component's return until every page had every event, and
whether anyone had to do anything by hand (restart a process, reload a page).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connections
from django.test import Client
from websockets.asyncio.client import connect

from bench.cuttable_proxy import CuttableProxy, free_port
from incidents import roles
from incidents.models import CheckRun, Incident
from incidents.services.incidents import open_incident
from incidents.services.notes import add_note
from incidents.signin import mfa_policy

VIEWERS = 5
WRITES_PER_SECOND = 2.0
RECOVERY_TARGET = 30.0
SEQ = re.compile(r'data-seq="(\d+)"')
EVENT = re.compile(r'id="event-(\d+)"')
STATE = re.compile(r'id="live-state"[^>]*data-state="(\w+)"')
# A lost run comes back by its silent heartbeat, whatever the time limit (check_runs).
STACK_ENV = {
    "CELERY_TASK_TIME_LIMIT": "20",
    "CELERY_VISIBILITY_TIMEOUT": "3600",
    "CHECK_TARGET_ALLOWLIST": "127.0.0.1",
    "RELAY_IN_PROCESS": "false",
    "LOG_LEVEL": "WARNING",
    "DEBUG": "false",
    "CHANNEL_PREFIX": "faults",
}


@dataclass
class Observed:
    fault: str
    page_loads: int = 0
    failed_loads: int = 0
    busy_loads: int = 0  # 503 with Retry-After
    writes: int = 0
    refused_writes: int = 0
    missing_events: int = 0
    told_not_live: bool = False
    stuck_runs: int = 0
    recovery_seconds: float | None = None
    manual_action: str = "none"
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        recovered = (
            f"{self.recovery_seconds:.1f} s" if self.recovery_seconds is not None else "never"
        )
        extra = f" ({'; '.join(self.notes)})" if self.notes else ""
        return (
            f"{self.fault}: page loads {self.page_loads} ({self.failed_loads} failed, "
            f"{self.busy_loads} answered 503 busy), notes written {self.writes} "
            f"({self.refused_writes} refused during the fault), events missing on open pages "
            f"{self.missing_events}, pages told they were not live: "
            f"{'yes' if self.told_not_live else 'no'}, runs stuck {self.stuck_runs}, "
            f"recovered {recovered} after the return, manual action: {self.manual_action}"
            f"{extra}"
        )


class OwnRedis:
    """A Redis server of the bench's own, keeping nothing on disk (as the machine's)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _wait_for(lambda: _port_open(self.port), 10, "redis-server")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)


class Stack:
    """`manage.py run_stack` against the proxied database and the bench's own Redis."""

    def __init__(self, database_url: str, redis_url: str, log: Path, email_url: str) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            **STACK_ENV,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": email_url,
        }
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "run_stack", "--port", str(self.port)],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_for(lambda: _status(f"{self.url}/healthz") == 200, 60, "the web server")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def children(self) -> dict[str, int]:
        """The supervisor's children by the name in their command line."""
        found: dict[str, int] = {}
        for pid in _child_pids(self.process.pid):
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            for name in ("uvicorn", "worker", "beat", "run_relay"):
                if name in command:
                    found[name] = pid
        return found

    def kill_worker(self) -> None:
        """SIGKILL to the whole Celery worker: its main process and its pool."""
        main = self.children()["worker"]
        for pid in [*_child_pids(main), main]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


class Watch:
    """Viewers, a prober and a writer on one incident while a fault runs."""

    def __init__(self, stack: Stack, incident: Incident, writer: User, cookie: str) -> None:
        self.stack, self.incident, self.writer, self.cookie = stack, incident, writer, cookie
        self.committed: set[int] = set()
        self.seen: list[set[int]] = [set() for _ in range(VIEWERS)]
        self.states: set[str] = set()
        self.result = Observed("")
        self.fault_on = False
        self.last_load_ok = True
        self.stopping = False

    async def run(self, fault: Callable[[Watch], Any], name: str, timeout: float) -> Observed:
        self.result = Observed(name)
        viewers = [asyncio.ensure_future(self._viewer(n)) for n in range(VIEWERS)]
        prober = asyncio.ensure_future(self._prober())
        writing = threading.Thread(target=self._writer, daemon=True)
        writing.start()
        await asyncio.sleep(3)  # steady state first
        returned_at = await fault(self)
        self.result.recovery_seconds = await self._recovery(returned_at, timeout)
        self.stopping = True
        await asyncio.to_thread(writing.join, 10)
        await asyncio.sleep(3)
        for task in (*viewers, prober):
            task.cancel()
        await asyncio.gather(*viewers, prober, return_exceptions=True)
        self.result.missing_events = sum(len(self.committed - seen) for seen in self.seen)
        self.result.told_not_live = "stale" in self.states
        return self.result

    async def _recovery(self, returned_at: float, timeout: float) -> float | None:
        while time.monotonic() - returned_at < timeout:
            caught_up = all(self.committed <= seen for seen in self.seen)
            if caught_up and self.last_load_ok:
                return time.monotonic() - returned_at
            await asyncio.sleep(0.25)
        return None

    async def _viewer(self, n: int) -> None:
        url = f"ws://127.0.0.1:{self.stack.port}/ws/incidents/{self.incident.reference}/"
        last = self.incident.event_seq
        while True:
            try:
                async with connect(
                    url,
                    origin=self.stack.url,  # type: ignore[arg-type]
                    additional_headers=[("Cookie", self.cookie)],
                    max_size=None,
                    open_timeout=5,
                    ping_interval=None,
                ) as socket:
                    await socket.send(json.dumps({"after": last}))
                    while True:
                        # static/app.js: 12 s without a word and the page reconnects.
                        text = str(await asyncio.wait_for(socket.recv(), 12))
                        self.seen[n].update(int(seq) for seq in EVENT.findall(text))
                        self.states.update(STATE.findall(text))
                        marks = SEQ.findall(text)
                        if marks:
                            last = max(last, int(marks[-1]))
            except asyncio.CancelledError:
                raise
            except Exception:
                await asyncio.sleep(1)

    async def _prober(self) -> None:
        url = f"{self.stack.url}/incidents/{self.incident.reference}/"
        while True:
            status = await asyncio.to_thread(_status, url, self.cookie)
            self.result.page_loads += 1
            self.last_load_ok = status == 200
            if status == 503:
                self.result.busy_loads += 1
            elif status != 200:
                self.result.failed_loads += 1
            await asyncio.sleep(0.25)

    def _writer(self) -> None:
        """Notes through the proxied database, as a responder's browser would cause."""
        number = 0
        try:
            while not self.stopping:
                number += 1
                try:
                    add_note(incident=self.incident, body=f"fault bench {number}", by=self.writer)
                except Exception:
                    self.result.refused_writes += 1
                    connections.close_all()
                else:
                    self.result.writes += 1
                    seq = Incident.objects.values_list("event_seq", flat=True).get(
                        pk=self.incident.pk
                    )
                    self.committed.add(seq)
                time.sleep(1 / WRITES_PER_SECOND)
        finally:
            connections.close_all()


def run(database_url: str) -> None:
    if not os.environ.get("REDIS_URL") and not _have("redis-server"):
        print("faults: skipped (needs redis-server)")
        return
    direct = dict(connections["default"].settings_dict)
    upstream = (direct["HOST"] or "127.0.0.1", int(direct["PORT"] or 5432))
    proxy = CuttableProxy(upstream)
    redis = OwnRedis()
    proxied = database_url.replace(f":{upstream[1]}/", f":{proxy.port}/")
    log = Path(settings.VAR_DIR) / "bench-faults-stack.log"
    incident, writer, cookie = _people()
    _send_tasks_to(redis.url)
    mailbox, smtp = _mail_server()
    stack = Stack(proxied, redis.url, log, email_url=f"smtp://127.0.0.1:{smtp.port}?tls=0")
    print(f"run_stack on :{stack.port}; PostgreSQL through a cuttable proxy; Redis of its own")
    print(f"{VIEWERS} viewers, a prober at 4 loads/s, a responder writing {WRITES_PER_SECOND:g}/s")
    _through(proxy.port)
    try:
        faults: list[tuple[str, Callable[[Watch], Any], float]] = [
            ("PostgreSQL stopped for 15 s", _database_outage(proxy), 90),
            ("Redis down 3.5 s, restarted empty", _redis_outage(redis), 90),
            (
                "check queued, worker stopped, Redis restarted empty",
                _lost_by_the_broker(stack, redis),
                300,
            ),
            ("whole worker killed mid-check", _worker_killed(stack), 240),
            ("worker killed during SMTP delivery", _killed_during_delivery(stack, mailbox), 240),
        ]
        for name, fault, timeout in faults:
            connections.close_all()
            watch = Watch(stack, Incident.objects.get(pk=incident.pk), writer, cookie)
            result = asyncio.run(watch.run(fault, name, timeout))
            connections.close_all()  # this thread's connection may have died with the fault
            result.stuck_runs = CheckRun.objects.filter(
                incident=incident, status__in=("queued", "running")
            ).count()
            result.manual_action = _manual_action(stack)
            print(result.line())
        print(_load(stack, writer, cookie))
        print(_embedded_broker(database_url, incident, writer))
    finally:
        stack.stop()
        smtp.stop()
        redis.kill()
        proxy.close()
        _through(upstream[1])


async def _cut(proxy: CuttableProxy, seconds: float) -> float:
    proxy.cut()
    await asyncio.sleep(seconds)
    proxy.restore()
    return time.monotonic()


def _database_outage(proxy: CuttableProxy) -> Callable[[Watch], Any]:
    async def fault(watch: Watch) -> float:
        return await _cut(proxy, 15)

    return fault


def _redis_outage(redis: OwnRedis) -> Callable[[Watch], Any]:
    async def fault(watch: Watch) -> float:
        redis.kill()
        await asyncio.sleep(3.5)
        redis.start()
        return time.monotonic()

    return fault


def _lost_by_the_broker(stack: Stack, redis: OwnRedis) -> Callable[[Watch], Any]:
    """A check queued while no worker runs; Redis restarts empty (no persistence), taking
    the task with it. Only the database still knows the run: the sweeper must queue it
    again. (The worker is killed with the supervisor paused, so nothing restarts it until
    Redis is back: a paused worker would already hold the message in its socket.)"""

    async def fault(watch: Watch) -> float:
        from tests.scenario_server import scenario_endpoint

        with scenario_endpoint() as (url, _state):
            os.kill(stack.process.pid, signal.SIGSTOP)  # the supervisor: no restarts now
            stack.kill_worker()
            run = await asyncio.to_thread(_queue_check, watch, url)
            redis.kill()
            redis.start()
            returned = time.monotonic()
            os.kill(stack.process.pid, signal.SIGCONT)  # it starts a new worker
            why = "after Redis came back (the 5 s sweeper finds the broker's marker gone)"
            await _lost_run_back(watch, run.pk, returned, why)
            return returned

    return fault


def _worker_killed(stack: Stack) -> Callable[[Watch], Any]:
    """A check against a slow endpoint; the whole worker killed while it runs. The broker
    keeps the message an hour (visibility timeout): the sweeper must bring it back."""

    async def fault(watch: Watch) -> float:
        from tests.scenario_server import scenario_endpoint

        with scenario_endpoint() as (url, state):
            state.delay_seconds = 60
            run = await asyncio.to_thread(_queue_check, watch, url)
            await asyncio.to_thread(_wait_for, lambda: state.hits > 0, 30, "the check")
            stack.kill_worker()
            killed = time.monotonic()
            state.delay_seconds = 0
            await _lost_run_back(
                watch, run.pk, killed, "after the kill (heartbeat silent 15 s + the 5 s sweeper)"
            )
            return killed

    return fault


def _killed_during_delivery(stack: Stack, mailbox: Any) -> Callable[[Watch], Any]:
    """An approved notice handed to the mailer; the mail server keeps the message and is
    slow to say so; the whole worker is killed meanwhile. The broker keeps the message an
    hour: the attempt's silent heartbeat must bring the notice back, sent once, both
    copies with one Message-ID."""

    async def fault(watch: Watch) -> float:
        from incidents.models import Notice

        mailbox.messages.clear()
        mailbox.answer_after = 60
        notice_id = await asyncio.to_thread(_approved_notice_sent, watch)
        await asyncio.to_thread(_wait_for, lambda: bool(mailbox.messages), 30, "the mail server")
        stack.kill_worker()
        killed = time.monotonic()
        mailbox.answer_after = 0

        def sent() -> bool:
            connections.close_all()
            return Notice.objects.filter(pk=notice_id, state="sent").exists()

        await asyncio.to_thread(_wait_for, sent, 300, "the notice")
        took = time.monotonic() - killed
        ids = {m["Message-ID"] for m in mailbox.messages}
        verdict = "within" if took <= RECOVERY_TARGET else "NOT within"
        watch.result.notes.append(
            f"notice sent {took:.0f} s after the kill (delivery heartbeat silent 15 s + the "
            f"5 s sweeper): {verdict} the {RECOVERY_TARGET:.0f} s target; the partner got "
            f"{len(mailbox.messages)} copies with {len(ids)} Message-ID"
        )
        return killed

    return fault


def _mail_server() -> tuple[Any, Any]:
    """A real SMTP server on loopback that keeps what it receives (tests/smtp_server.py)."""
    from aiosmtpd.controller import Controller

    from tests.smtp_server import Mailbox

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return mailbox, controller


def _approved_notice_sent(watch: Watch) -> int:
    """A payment partner's notice, drafted, approved by a second person and handed over."""
    from incidents.models import DataCategory, Partner
    from incidents.models import NoticeTemplate as Template
    from incidents.services.exposures import record_exposure
    from incidents.services.notices import (
        approve_notice,
        draft_notice,
        queue_send,
        submit_for_review,
    )

    connections.close_all()
    incident, by = watch.incident, watch.writer
    approver, _ = User.objects.get_or_create(username="faults-approver")
    approver.groups.add(Group.objects.get_or_create(name=roles.COMMANDER)[0])
    payment = DataCategory.objects.get(slug="financial-payment")
    if not incident.exposures.filter(category=payment).exists():
        record_exposure(
            incident=incident,
            category=payment,
            status="ruled_out",
            evidence="separate segment",
            by=by,
        )
    partner, _ = Partner.objects.get_or_create(name="PayFlow", audience="payment_partner")
    if not partner.contacts.exists():
        partner.contacts.create(name="Marc", email="security@payflow.example")
    template = Template.objects.filter(name="Payment partner update").latest("version")
    notice = draft_notice(incident=incident, partner=partner, template=template, by=by)
    submit_for_review(notice=notice, by=by)
    approved = approve_notice(notice=type(notice).objects.get(pk=notice.pk), by=approver)
    queue_send(notice=approved, by=by)
    return approved.pk


async def _lost_run_back(watch: Watch, run_id: int, since: float, why: str) -> None:
    """Until the sweeper has brought the run back and a worker finished it."""
    await asyncio.to_thread(_wait_for, lambda: _run_finished(run_id), 300, "the lost run")
    took = time.monotonic() - since
    verdict = "within" if took <= RECOVERY_TARGET else "NOT within"
    watch.result.notes.append(
        f"lost run finished {took:.0f} s {why}: {verdict} the {RECOVERY_TARGET:.0f} s target"
    )


LOAD_USERS = 200
LOAD_WRITES_PER_SECOND = 50
LOAD_SECONDS = int(os.environ.get("BENCH_FAULT_LOAD_SECONDS", "180"))
SATURATION_SECONDS = int(os.environ.get("BENCH_FAULT_SATURATION_SECONDS", "60"))
LOAD_INCIDENTS = 10
THINK_SECONDS = (2.0, 8.0)  # between two pages a person opens


def _load(stack: Stack, writer: User, cookie: str) -> str:
    """Issue 14's load, while responders write LOAD_WRITES_PER_SECOND notes over
    LOAD_INCIDENTS incidents: first LOAD_USERS people browsing (each opens an incident
    page or the list, reads for 2-8 s, opens the next), then the same number of
    connections asking without pause (wrk: the server saturated, to see how it refuses).
    Every note must be in the record exactly once and every chain must verify."""
    from bench import http_load
    from incidents.audit import verify_incident
    from incidents.models import Note

    incidents = [
        open_incident(title=f"Load bench {n}", by=writer, severity="sev3")
        for n in range(LOAD_INCIDENTS)
    ]
    connections.close_all()
    seconds = LOAD_SECONDS + (SATURATION_SECONDS if http_load.have_wrk() else 0)
    attempted: list[int] = [0] * LOAD_INCIDENTS
    refused: list[int] = [0] * LOAD_INCIDENTS
    every = LOAD_INCIDENTS / LOAD_WRITES_PER_SECOND

    def write(n: int) -> None:
        started = time.monotonic()
        try:
            while time.monotonic() - started < seconds:
                time.sleep(max(0.0, started + attempted[n] * every - time.monotonic()))
                attempted[n] += 1
                try:
                    add_note(incident=incidents[n], body=f"load {n}-{attempted[n]}", by=writer)
                except Exception:
                    refused[n] += 1
                    connections.close_all()
        finally:
            connections.close_all()

    writers = [threading.Thread(target=write, args=(n,)) for n in range(LOAD_INCIDENTS)]
    for thread in writers:
        thread.start()
    paths = ["/incidents/", *(f"/incidents/{i.reference}/" for i in incidents)]
    lines = [
        f"load: {LOAD_WRITES_PER_SECOND} notes/s asked over {LOAD_INCIDENTS} incidents "
        f"for {seconds} s, with:",
        _people_browsing(stack, cookie, paths),
    ]
    if http_load.have_wrk():
        for label, path in (("incident page", paths[1]), ("list", paths[0])):
            result = http_load.wrk(
                path,
                cookie,
                port=stack.port,
                connections=LOAD_USERS // 2,
                seconds=SATURATION_SECONDS,
            )
            lines.append(
                f"  then {LOAD_USERS // 2} connections without pause on the {label} for "
                f"{SATURATION_SECONDS} s: {result.requests:,} requests, "
                f"{result.requests_per_second:,.0f}/s, p50 {result.p50_ms:.0f} ms, "
                f"p99 {result.p99_ms:.0f} ms, non-2xx {result.non_2xx} (503 busy), "
                f"socket errors {result.socket_errors}"
            )
    else:
        lines.append("  saturation run skipped: wrk is not installed (apt-get install wrk)")
    for thread in writers:
        thread.join()
    connections.close_all()
    notes = Note.objects.filter(incident__in=incidents)
    kept = notes.count()
    distinct = notes.values("body").distinct().count()
    broken = [i.reference for i in incidents if not verify_incident(i).intact]
    written = sum(attempted) - sum(refused)
    lines.append(
        f"  notes: {sum(attempted):,} asked ({sum(attempted) / seconds:.1f}/s), "
        f"{sum(refused)} refused, {kept:,} in the record ({distinct:,} distinct; "
        f"{written - kept} lost, {kept - distinct} doubled), "
        f"chains broken: {', '.join(broken) or 'none'}"
    )
    return "\n".join(lines)


def _people_browsing(stack: Stack, cookie: str, paths: list[str]) -> str:
    """LOAD_USERS threads, each a person: open a page, read it, open another."""
    import random

    samples: list[tuple[float, int]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS

    def person(n: int) -> None:
        chooser = random.Random(n)
        time.sleep(chooser.uniform(0, THINK_SECONDS[1]))  # not all at the same second
        while time.monotonic() < deadline:
            started = time.monotonic()
            status = _status(stack.url + chooser.choice(paths), cookie)
            with lock:
                samples.append((time.monotonic() - started, status))
            time.sleep(chooser.uniform(*THINK_SECONDS))

    people = [threading.Thread(target=person, args=(n,)) for n in range(LOAD_USERS)]
    for thread in people:
        thread.start()
    for thread in people:
        thread.join()
    latencies = sorted(latency for latency, _ in samples)
    statuses = [status for _, status in samples]
    p50 = latencies[len(latencies) // 2] if latencies else float("nan")
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0
    errors = sum(1 for status in statuses if status not in (200, 503))
    return (
        f"  {LOAD_USERS} people browsing (list and incident pages, {THINK_SECONDS[0]:g}-"
        f"{THINK_SECONDS[1]:g} s between pages) for {LOAD_SECONDS} s: {len(samples):,} pages, "
        f"{len(samples) / LOAD_SECONDS:.0f}/s, p50 {1000 * p50:.0f} ms, p99 {1000 * p99:.0f} ms, "
        f"{statuses.count(503)} answered 503 busy, {errors} failed"
    )


EMBEDDED_TASKS = 300
QUEUE_HEARTBEATS = """
from django.contrib.auth.models import User
from incidents.services.heartbeat import request_check
by = User.objects.get(pk={user})
for _ in range({count}):
    request_check(incident_id={incident}, check="heartbeat", by=by)
"""


def _embedded_broker(database_url: str, incident: Incident, writer: User) -> str:
    """The embedded default's broker (no Redis) with several processes: two workers of
    two processes each take EMBEDDED_TASKS checks that a third process queues as fast as
    it can. None may be lost or crash a worker (kombu's own filesystem transport did)."""
    import tempfile

    from incidents import process_commands
    from incidents.models import Event

    folder = Path(tempfile.mkdtemp(prefix="breachroom-embedded-"))
    env = {**os.environ, "DATABASE_URL": database_url, "BREACHROOM_VAR_DIR": str(folder)}
    env.pop("REDIS_URL", None)
    env["RELAY_IN_PROCESS"] = "true"
    first_seq = Incident.objects.values_list("event_seq", flat=True).get(pk=incident.pk)
    workers = []
    for n in (1, 2):
        log = (folder / f"worker-{n}.log").open("wb")
        command = process_commands.worker(hostname=f"embedded-{n}@%h", concurrency=2)
        workers.append(
            subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        )
    started = time.monotonic()
    code = QUEUE_HEARTBEATS.format(user=writer.pk, count=EMBEDDED_TASKS, incident=incident.pk)
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )

    def ran() -> int:
        try:
            return Event.objects.filter(
                incident=incident, seq__gt=first_seq, verb="check.ran"
            ).count()
        finally:
            connections.close_all()

    with contextlib.suppress(RuntimeError):
        _wait_for(lambda: ran() >= EMBEDDED_TASKS, 180, "the embedded workers")
    seconds = time.monotonic() - started
    alive = sum(1 for worker in workers if worker.poll() is None)
    for worker in workers:
        worker.terminate()
        worker.wait(20)
    logs = "".join(p.read_text(errors="replace") for p in folder.glob("worker-*.log"))
    crashed = "Unrecoverable error" in logs or "JSONDecodeError" in logs
    return (
        f"embedded broker (no Redis), two workers of two processes each, {EMBEDDED_TASKS} "
        f"checks queued by a third process: {ran()} run in {seconds:.0f} s, "
        f"{EMBEDDED_TASKS - ran()} lost, workers alive at the end {alive} of 2, "
        f"worker crashed on a message: {'yes' if crashed else 'no'}"
    )


def _queue_check(watch: Watch, url: str) -> CheckRun:
    """The SCENARIO's "endpoint now refuses unauthenticated calls" step, checked by a
    worker against `url`."""
    from incidents.models import Playbook, PlaybookItem
    from incidents.seed import seed_playbooks
    from incidents.services.check_runs import request_item_check
    from incidents.services.checklists import (
        apply_playbook,
        set_item_check_params,
        set_item_state,
    )

    incident, by = watch.incident, watch.writer
    settings.CHECK_TARGET_ALLOWLIST = ["127.0.0.1"]  # the endpoint plays on loopback
    try:
        if not incident.checklist.filter(key="patch-endpoint").exists():
            seed_playbooks(Playbook, PlaybookItem)
            playbook = Playbook.objects.filter(slug="exposed-internal-api-endpoint").latest(
                "version"
            )
            apply_playbook(incident=incident, playbook=playbook, by=by)
            for key in ("open-and-assess", "rate-limit"):
                set_item_state(item=incident.checklist.get(key=key), state="done", by=by)
        item = incident.checklist.get(key="patch-endpoint")
        set_item_check_params(item=item, params={"url": url + "/internal/v2/content"}, by=by)
        return request_item_check(item=item, by=by)
    finally:
        connections.close_all()


def _run_finished(run_id: int) -> bool:
    try:
        return CheckRun.objects.get(pk=run_id).status not in ("queued", "running")
    finally:
        connections.close_all()


def _manual_action(stack: Stack) -> str:
    """Anyone needed to restart something: the supervisor gone or a child missing."""
    if stack.process.poll() is not None:
        return "run_stack exited: restart it"
    missing = {"uvicorn", "worker", "beat", "run_relay"} - set(stack.children())
    return f"{', '.join(sorted(missing))} not running" if missing else "none"


def _people() -> tuple[Incident, User, str]:
    writer, _ = User.objects.get_or_create(username="faults-commander")
    writer.groups.add(Group.objects.get_or_create(name=roles.COMMANDER)[0])
    viewer, _ = User.objects.get_or_create(username="faults-responder")
    viewer.groups.add(Group.objects.get_or_create(name=roles.RESPONDER)[0])
    client = Client()
    client.force_login(viewer)
    session = client.session
    session[mfa_policy.SESSION_KEY] = mfa_policy.OK
    session.save()
    incident = open_incident(title="Fault bench: exposed API", by=writer, severity="sev2")
    return incident, writer, f"sessionid={client.cookies['sessionid'].value}"


def _send_tasks_to(broker_url: str) -> None:
    """Tasks this process queues (the check in the worker fault) go to the stack's broker;
    set before this process first talks to a broker, so its connection pool is built for
    this one."""
    from config.celery import app as celery_app

    made = getattr(celery_app, "_pool", None)
    assert made is None, "a broker connection was made before the fault bench"
    celery_app.conf.update(broker_url=broker_url)


def _through(port: int) -> None:
    """This process's own database connections go to `port` (the proxy, or back)."""
    connections.close_all()
    connections["default"].settings_dict["PORT"] = port


def _status(url: str, cookie: str = "") -> int:
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own http URL
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _child_pids(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _have(program: str) -> bool:
    from shutil import which

    return which(program) is not None


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what}: not ready after {timeout:.0f} s")
