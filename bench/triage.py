"""Issue 3's benchmark: 100k incidents, 500k exposures, 5M events; list and incident pages
under 8 concurrent clients. Targets on 2 cores: p50 < 30 ms, p99 < 100 ms."""

from __future__ import annotations

import os

from django.conf import settings
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
        print(f"queries per page (cache miss): {label}: {count}")
    cached = settings.INCIDENT_LIST_CACHE
    if cached:
        for label, count in http_load.queries_on_a_hit(client).items():
            print(f"queries per page (cache hit): {label}: {count}")
    if not http_load.have_wrk():
        print("HTTP load skipped: wrk is not installed (apt-get install wrk)")
        return
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    print(
        f"HTTP load: wrk, {http_load.CONNECTIONS} connections, {http_load.DURATION}s per page, "
        f"uvicorn with {http_load.WORKERS} workers on the same 2 cores"
    )
    # Warm: every page as configured (with Redis, the list and incident page caches are on
    # and the warm-up pass fills them). Cold: every page again with both caches off, so
    # every request does the full work, as the first request after a change does.
    runs: list[tuple[str, dict[str, str], dict[str, str]]] = [("", http_load.PAGES, {})]
    if cached:
        off = {"INCIDENT_LIST_CACHE": "false", "INCIDENT_PAGE_CACHE": "false"}
        runs.append((" [cold: page caches off]", http_load.PAGES, off))
    else:
        print("page caches off (no REDIS_URL, or INCIDENT_LIST_CACHE=false)")
    for suffix, pages, env in runs:
        server = http_load.start_server(database_url, **env)
        try:
            for label, path in pages.items():
                http_load.wrk(path, cookie)  # warm-up pass, not reported
                result = http_load.wrk(path, cookie)
                over = result.p50_ms >= 30 or result.p99_ms >= 100
                print(
                    f"{label}{suffix}: {result.requests_per_second:,.0f} req/s, "
                    f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
                    f"non-2xx {result.non_2xx}{'  (over target)' if over else ''}"
                )
        finally:
            http_load.stop_server(server)
