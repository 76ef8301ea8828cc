"""Issue 3's benchmark: 100k incidents, 500k exposures, 5M events; list and incident pages
under 8 concurrent clients. Targets on 2 cores: p50 < 30 ms, p99 < 100 ms."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import User
from django.db import connections
from django.test import Client

from bench import http_load, seed_bulk
from incidents.models import Event, Exposure, Incident
from incidents.services.notes import add_note


def run(database_url: str) -> None:
    user = seed_bulk.bench_user()
    if seed_bulk.is_seeded() and not os.environ.get("BENCH_RESEED"):
        print("data set: kept from an earlier run (BENCH_RESEED=1 to reload)")
    else:
        timings = seed_bulk.seed(user)
        total = sum(timings.values())
        print(
            f"bulk load (COPY): {total:.0f}s in all; "
            + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
        )
    print(
        f"data: {Incident.objects.count():,} incidents, {Exposure.objects.count():,} exposures, "
        f"{Event.objects.count():,} events"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for label, count in http_load.queries_per_page(client).items():
        print(f"queries per page (nothing drawn yet): {label}: {count}")
    for label, count in http_load.queries_on_a_hit(client).items():
        print(f"queries per page (sections already drawn): {label}: {count}")
    for label, path in http_load.PAGES.items():
        p50, worst = http_load.cold_page_ms(client, path)
        print(f"in-process, nothing drawn yet: {label}: p50 {p50:.1f} ms, max {worst:.1f} ms")
    if not http_load.have_wrk():
        print("HTTP load skipped: wrk is not installed (apt-get install wrk)")
        return
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    print(
        f"HTTP load: wrk, {http_load.CONNECTIONS} connections, {http_load.DURATION}s per page, "
        f"uvicorn with {http_load.WORKERS} workers on the same 2 cores"
    )
    # Every request passes the gate and reads the shared renderings; the busy run has a
    # responder writing every 2 s, so sections are redrawn (once, for everyone) as it goes.
    server = http_load.start_server(database_url)
    try:
        for label, path in http_load.PAGES.items():
            http_load.wrk(path, cookie)  # warm-up pass, not reported
            _report(label, http_load.wrk(path, cookie))
        _busy_response(user, cookie)
    finally:
        http_load.stop_server(server)


def _report(label: str, result: http_load.LoadResult) -> None:
    over = result.p50_ms >= 30 or result.p99_ms >= 100
    print(
        f"{label}: {result.requests_per_second:,.0f} req/s, "
        f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
        f"non-2xx {result.non_2xx}{'  (over target)' if over else ''}"
    )


def _busy_response(user: User, cookie: str) -> None:
    """The incident page while responders write: notes on another incident ten times a
    second (its page and the list change; this page's cache stays good), then a note on
    this incident every two seconds (each one redraws this page once per viewer)."""
    big = Incident.objects.get(reference=seed_bulk.BIG_REFERENCE)
    other = Incident.objects.exclude(pk=big.pk).filter(restricted=False).order_by("pk")[0]
    path = f"/incidents/{seed_bulk.BIG_REFERENCE}/"
    for where, incident, every in (("another incident", other, 0.1), ("this incident", big, 2.0)):
        with _writing_notes(incident, user, every) as written:
            result = http_load.wrk(path, cookie)
        _report(
            f"incident page while notes go to {where} every {every:g} s ({written[0]} notes)",
            result,
        )


@contextmanager
def _writing_notes(incident: Incident, user: User, every: float) -> Iterator[list[int]]:
    written, stop = [0], threading.Event()

    def write() -> None:
        try:
            while not stop.wait(every):
                add_note(incident=incident, body=f"bench note {written[0]}", by=user)
                written[0] += 1
        finally:
            connections.close_all()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield written
    finally:
        stop.set()
        writer.join(30)
