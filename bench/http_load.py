"""Real HTTP load on the list and incident pages (wrk, 8 connections, 20 s each), plus the
SQL queries each page runs, against the bulk-loaded data set."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.seed_bulk import BIG_REFERENCE
from incidents import process_commands

PAGES = {
    "list, default view": "/incidents/",
    "list, filtered (open, sev1, data category, sorted)": (
        "/incidents/?state=open&severity=sev1&category=viewing-history&sort=severity"
    ),
    "list, search 'billing'": "/incidents/?q=billing",
    f"incident page, {BIG_REFERENCE} (2,000 events)": f"/incidents/{BIG_REFERENCE}/",
}
CONNECTIONS, DURATION, PORT = 8, int(os.environ.get("BENCH_SECONDS", "20")), 8799
# Sync views run one at a time per process under ASGI; extra processes overlap the time
# each spends waiting on PostgreSQL.
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))


@dataclass
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int = 0  # connect, read, write errors and timeouts (wrk's count)
    requests: int = 0


def queries_per_page(client: Client) -> dict[str, int]:
    """Each page's queries with nothing drawn yet (the rendering store emptied)."""
    counts = {}
    for label, path in PAGES.items():
        cache.clear()
        counts[label] = _queries(client, path)
    reset_queries()
    return counts


def queries_on_a_hit(client: Client) -> dict[str, int]:
    """Each page's queries when its sections are already drawn (asked twice)."""
    counts = {}
    for label, path in PAGES.items():
        _queries(client, path)
        counts[label] = _queries(client, path)
    reset_queries()
    return counts


def cold_page_ms(client: Client, path: str, samples: int = 10) -> tuple[float, float]:
    """In-process time of a page with nothing drawn yet (the rendering store emptied
    before each sample): p50 and max, in ms."""
    times = []
    client.get(path)  # templates compiled, code fingerprint taken: a process's first page
    for _ in range(samples):
        cache.clear()
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return times[len(times) // 2], times[-1]


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def start_server(database_url: str, **extra_env: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        **extra_env,
    }
    server = subprocess.Popen(
        process_commands.web(port=PORT, workers=WORKERS),
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,
    )
    try:
        wait_until_up()
    except RuntimeError:
        server.kill()
        raise
    return server


def wait_until_up(port: int = PORT) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("bench server did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(15)


def wrk(
    path: str,
    cookie: str,
    *,
    port: int = PORT,
    connections: int = CONNECTIONS,
    seconds: int = DURATION,
) -> LoadResult:
    output = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return LoadResult(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_millis(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),  # type: ignore[union-attr]
        p99_ms=_millis(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),  # type: ignore[union-attr]
        non_2xx=int(m.group(1))
        if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output))
        else 0,
        socket_errors=sum(int(n) for n in e.groups())
        if (e := re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", output))
        else 0,
        requests=int(r.group(1)) if (r := re.search(r"(\d+) requests in", output)) else 0,
    )


def _millis(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def have_wrk() -> bool:
    return shutil.which("wrk") is not None
