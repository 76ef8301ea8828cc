"""Live updates under load (issue 13): real websocket viewers on one incident page while a
responder writes two changes a second, beside the floor: a bare Channels app forwarding a
1 KB fragment to a group over the same Redis layer (bench/bare_channels.py), measured in
the same run on the same machine.

Latency is from the moment a change committed (Breachroom) or was sent (bare app) to the
moment a viewer received the frame that carries it; a coalesced frame counts for every
change it carries. "Lost" is a change some viewer never received. CPU per frame is the web
process's own CPU time over the frames it delivered.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connections
from django.test import Client
from websockets.asyncio.client import ClientConnection, connect

from incidents import process_commands, roles
from incidents.models import Incident
from incidents.services.incidents import open_incident
from incidents.services.notes import add_note

RATE = 2.0  # changes per second
SECONDS = int(os.environ.get("BENCH_LIVE_SECONDS", "15"))
BARE_PORT, WEB_PORT, SECOND_WEB_PORT = 8811, 8812, 8813
PAD = "x" * 1024
SEQ = re.compile(r'data-seq="(\d+)"')
EVENT = re.compile(r'id="event-(\d+)"')


@dataclass
class Outcome:
    label: str
    viewers: int
    latencies: list[float] = field(default_factory=list)
    frames: int = 0
    lost: int = 0
    cpu_seconds: float = 0.0

    def line(self) -> str:
        ordered = sorted(self.latencies) or [float("nan")]
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        cpu = 1000 * self.cpu_seconds / self.frames if self.frames else float("nan")
        return (
            f"{self.label}: {self.viewers} viewers at {RATE:g}/s for {SECONDS}s: "
            f"p50 {1000 * statistics.median(ordered):.0f} ms, p99 {1000 * p99:.0f} ms, "
            f"{self.frames:,} frames, {self.lost} changes lost, "
            f"web CPU {cpu:.2f} ms per frame"
        )


def run(database_url: str) -> None:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        print("live: skipped (needs REDIS_URL: the measured placement is channels-redis)")
        return
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CHANNEL_PREFIX": os.environ.get("CHANNEL_PREFIX", "breachroom"),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "RELAY_IN_PROCESS": "false",
    }
    print(
        "one uvicorn process each, Redis channel layer, relay as its own process; "
        "clients in this process, all on the same 2 cores"
    )
    bare_app = ["uvicorn", "bench.bare_channels:application", "--port", str(BARE_PORT)]
    bare = _start([sys.executable, "-m", *bare_app, "--no-access-log", "--lifespan", "off"], env)
    web = _start(process_commands.web(port=WEB_PORT, workers=1), env)
    second = _start(process_commands.web(port=SECOND_WEB_PORT, workers=1), env)
    relay = _start(process_commands.relay(), env)
    try:
        _wait_tcp(BARE_PORT)
        _wait_healthy(WEB_PORT)
        _wait_healthy(SECOND_WEB_PORT)
        for viewers in (100, 1000):
            print(asyncio.run(_bare(viewers, redis_url, bare.pid)).line())
            print(asyncio.run(_breachroom(viewers, [WEB_PORT], web.pid)).line())
        split = asyncio.run(_breachroom(100, [WEB_PORT, SECOND_WEB_PORT], web.pid))
        split.label = "Breachroom, viewers split over 2 web processes"
        print(split.line())
    finally:
        for process in (relay, second, web, bare):
            process.terminate()
            process.wait(15)


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)


def _wait_tcp(port: int) -> None:
    import socket

    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _wait_healthy(port: int) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"web on {port} did not start")


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _open(url: str, count: int, cookie: str | None, port: int) -> list[ClientConnection]:
    headers = [("Cookie", cookie)] if cookie else []
    sockets: list[ClientConnection] = []
    for start in range(0, count, 50):
        batch = [
            connect(
                url,
                origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
                additional_headers=headers,
                max_size=None,
                open_timeout=60,
                ping_interval=None,
            )
            for _ in range(start, min(count, start + 50))
        ]
        sockets.extend(await asyncio.gather(*batch))
    return sockets


async def _bare(viewers: int, redis_url: str, pid: int) -> Outcome:
    from channels_redis.core import RedisChannelLayer

    from bench.bare_channels import GROUP

    layer = RedisChannelLayer(hosts=[redis_url], prefix="bare")
    sockets = await _open(f"ws://127.0.0.1:{BARE_PORT}/", viewers, None, BARE_PORT)
    outcome = Outcome("bare Channels app", viewers)
    count = int(RATE * SECONDS)
    seen: list[set[int]] = [set() for _ in sockets]

    async def receive(n: int, socket: ClientConnection) -> None:
        async for text in socket:
            arrived = time.time()
            number, sent, _ = str(text).split("|", 2)
            outcome.latencies.append(arrived - float(sent))
            outcome.frames += 1
            seen[n].add(int(number))

    readers = [asyncio.ensure_future(receive(n, s)) for n, s in enumerate(sockets)]
    await asyncio.sleep(1)
    cpu = _cpu_seconds(pid)
    started = time.monotonic()
    for number in range(count):
        await asyncio.sleep(max(0.0, started + number / RATE - time.monotonic()))
        html = f"{number}|{time.time():.6f}|{PAD}"
        await layer.group_send(GROUP, {"type": "bare.frame", "html": html})
    await asyncio.sleep(3)
    outcome.cpu_seconds = _cpu_seconds(pid) - cpu
    outcome.lost = sum(count - len(numbers) for numbers in seen)
    await _close(sockets, readers)
    await layer.flush()
    return outcome


async def _close(sockets: list[ClientConnection], readers: list[asyncio.Task[None]]) -> None:
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)


def _viewer_cookies() -> tuple[Incident, User, list[str]]:
    """A fresh incident, its writer, and the session cookies of a responder and an
    auditor (two role sets, so two renderings per change)."""
    writer, _ = User.objects.get_or_create(username="live-commander")
    writer.groups.add(Group.objects.get_or_create(name=roles.COMMANDER)[0])
    cookies = []
    for role in (roles.RESPONDER, roles.AUDITOR):
        viewer, _ = User.objects.get_or_create(username=f"live-{role}")
        viewer.groups.add(Group.objects.get_or_create(name=role)[0])
        client = Client()
        client.force_login(viewer)
        from incidents.signin import mfa_policy

        session = client.session
        session[mfa_policy.SESSION_KEY] = mfa_policy.OK
        session.save()
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    incident = open_incident(title="Live bench: exposed API", by=writer, severity="sev2")
    return incident, writer, cookies


async def _breachroom(viewers: int, ports: list[int], pid: int) -> Outcome:
    incident, writer, cookies = await asyncio.to_thread(_viewer_cookies)
    sockets: list[ClientConnection] = []
    for port in ports:
        share = viewers // len(ports)
        for k, cookie in enumerate(cookies):
            url = f"ws://127.0.0.1:{port}/ws/incidents/{incident.reference}/"
            part = share // len(cookies) + (share % len(cookies) if k == 0 else 0)
            sockets.extend(await _open(url, part, cookie, port))
    outcome = Outcome("Breachroom incident page", viewers)
    committed: dict[int, float] = {}
    seen: list[set[int]] = [set() for _ in sockets]

    async def receive(n: int, socket: ClientConnection) -> None:
        last = incident.event_seq
        async for text in socket:
            arrived = time.time()
            outcome.frames += 1
            seen[n].update(int(found) for found in EVENT.findall(str(text)))
            marks = SEQ.findall(str(text))
            if not marks:
                continue
            upto = int(marks[-1])
            for seq in range(last + 1, upto + 1):
                if seq in committed:
                    outcome.latencies.append(arrived - committed[seq])
            last = max(last, upto)

    readers = [asyncio.ensure_future(receive(n, s)) for n, s in enumerate(sockets)]
    await asyncio.gather(*(s.send(f'{{"after": {incident.event_seq}}}') for s in sockets))
    await asyncio.sleep(2)
    cpu = _cpu_seconds(pid)
    writes = threading.Thread(target=_write, args=(incident, writer, committed))
    writes.start()
    await asyncio.to_thread(writes.join)
    await asyncio.sleep(3)
    outcome.cpu_seconds = _cpu_seconds(pid) - cpu
    outcome.lost = sum(len(set(committed) - numbers) for numbers in seen)
    await _close(sockets, readers)
    return outcome


def _write(incident: Incident, writer: User, committed: dict[int, float]) -> None:
    """A responder's notes, RATE a second, each one event; the commit time of each seq."""
    started = time.monotonic()
    try:
        for number in range(int(RATE * SECONDS)):
            time.sleep(max(0.0, started + number / RATE - time.monotonic()))
            add_note(incident=incident, body=f"Live bench note {number}", by=writer)
            done = time.time()
            seq = Incident.objects.values_list("event_seq", flat=True).get(pk=incident.pk)
            committed[seq] = done
    finally:
        connections.close_all()
