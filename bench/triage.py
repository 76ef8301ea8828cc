"""Issue 3's benchmark: 100k incidents, 500k exposures, 5M events; list and incident pages
under 8 concurrent clients. Targets on 2 cores: p50 < 30 ms, p99 < 100 ms."""

from __future__ import annotations

import os

from django.test import Client

from bench import http_load, seed_bulk
from incidents.models import Event, Exposure, Incident


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
        print(f"queries per page: {label}: {count}")
    if not http_load.have_wrk():
        print("HTTP load skipped: wrk is not installed (apt-get install wrk)")
        return
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    server = http_load.start_server(database_url)
    try:
        print(
            f"HTTP load: wrk, {http_load.CONNECTIONS} connections, {http_load.DURATION}s per page, "
            f"uvicorn with {http_load.WORKERS} workers on the same 2 cores"
        )
        for label, path in http_load.PAGES.items():
            http_load.wrk(path, cookie)  # warm-up pass, not reported
            result = http_load.wrk(path, cookie)
            flag = "" if result.p50_ms < 30 and result.p99_ms < 100 else "  (over target)"
            print(
                f"{label}: {result.requests_per_second:,.0f} req/s, p50 {result.p50_ms:.1f} ms, "
                f"p99 {result.p99_ms:.1f} ms, non-2xx {result.non_2xx}{flag}"
            )
    finally:
        http_load.stop_server(server)
