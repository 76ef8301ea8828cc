"""Bulk-load a large, realistic data set with COPY: incidents, exposures, events.

Event hashes here are placeholders (the benchmark measures reads); this database is the
benchmark's own and never verified.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import Group, User
from django.db import connection

from incidents import roles
from incidents.models import DataCategory, Event

INCIDENTS = 100_000
EXPOSURES_PER_INCIDENT = 5
EVENTS_TOTAL = 5_000_000
BIG_TIMELINE = 2_000
BIG_REFERENCE = "INC-2025-000001"
WORDS = [
    "billing",
    "content",
    "metadata",
    "payments",
    "creator",
    "gateway",
    "search",
    "login",
    "upload",
    "analytics",
    "ads",
    "profile",
    "storage",
    "backup",
    "export",
]
THREATS = [
    "scraped API",
    "phished admin",
    "leaked token",
    "misrouted export",
    "open bucket",
    "stolen laptop",
    "credential stuffing",
    "malware on build host",
]
STATUSES = ["new", "triage", "containment", "eradication", "recovery", "post_incident", "closed"]
START = datetime(2025, 1, 1, tzinfo=UTC)


def bench_user() -> User:
    user, _ = User.objects.get_or_create(username="bench-responder")
    user.groups.add(Group.objects.get_or_create(name=roles.RESPONDER)[0])
    return user


def is_seeded() -> bool:
    """The last table loaded is the events: a load that failed half-way is not 'seeded'."""
    return Event.objects.filter(incident__reference=BIG_REFERENCE).exists()


def seed(user: User) -> dict[str, float]:
    """Truncate and load; returns seconds per table."""
    rng = random.Random(2026)
    timings = {}
    with connection.cursor() as cursor:
        # The bench's own scratch database: the append-only tables' TRUNCATE trigger lets a
        # database that says so be emptied (migration 0045), as a test database is.
        cursor.execute("SET breachroom.test_database = 'on'")
        cursor.execute(
            "TRUNCATE incidents_event, incidents_eventoutbox, incidents_exposure,"
            " incidents_incident_members, incidents_incident_assignees,"
            " incidents_incident_tags, incidents_incident_affected_systems,"
            " incidents_note, incidents_incident RESTART IDENTITY CASCADE"
        )
    timings["incidents"] = _copy("incidents_incident", INCIDENT_COLUMNS, _incident_lines(rng, user))
    timings["memberships"] = _copy(
        "incidents_incident_members",
        ("incident_id", "user_id"),
        (f"{i}\t{user.pk}\n" for i in range(10, INCIDENTS + 1, 50)),
    )
    categories = list(DataCategory.objects.values_list("pk", flat=True))
    timings["exposures"] = _copy(
        "incidents_exposure", EXPOSURE_COLUMNS, _exposure_lines(rng, categories)
    )
    timings["events"] = _copy("incidents_event", EVENT_COLUMNS, _event_lines())
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('incidents_incident','id'), %s)", [INCIDENTS]
        )
        cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - start
    return timings


def _copy(table: str, columns: tuple[str, ...], lines: Iterator[str]) -> float:
    start = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        buffer = io.StringIO()
        for count, line in enumerate(lines, 1):
            buffer.write(line)
            if count % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return time.perf_counter() - start


INCIDENT_COLUMNS = (
    "id",
    "reference",
    "title",
    "summary",
    "severity",
    "status",
    "restricted",
    "created_at",
    "updated_at",
    "event_seq",
    "head_hash",
    "detected_at",
    "aware_at",
    "commander_id",
    "resolution",
    "search_text",
    "data_role",
)


def _events_of(incident_id: int) -> int:
    """Incident 1 has the big timeline; the rest share the remainder evenly."""
    if incident_id == 1:
        return BIG_TIMELINE
    base, extra = divmod(EVENTS_TOTAL - BIG_TIMELINE, INCIDENTS - 1)
    return base + (1 if incident_id - 1 <= extra else 0)


def _incident_lines(rng: random.Random, user: User) -> Iterator[str]:
    for i in range(1, INCIDENTS + 1):
        reference = BIG_REFERENCE if i == 1 else f"INC-2025-{i:06d}"
        title = f"{rng.choice(THREATS).capitalize()} on {rng.choice(WORDS)} {rng.choice(WORDS)}"
        finder = rng.choice(["SOC", "bug bounty", "customer", "partner"])
        summary = f"Found by {finder}; {rng.choice(WORDS)} affected."
        created = START + timedelta(minutes=5 * i)
        status = rng.choice(STATUSES)
        restricted = "t" if i % 10 == 0 else "f"
        commander = str(user.pk) if i % 13 == 0 else "\\N"
        search = f"{reference} {title} {summary}".lower()
        yield (
            f"{i}\t{reference}\t{title}\t{summary}\tsev{rng.randint(1, 4)}\t{status}\t"
            f"{restricted}\t"
            f"{created.isoformat()}\t{created.isoformat()}\t{_events_of(i)}\t{'0' * 64}\t"
            f"{created.isoformat()}\t{created.isoformat()}\t{commander}\t\t{search}\t"
            "controller\n"
        )


EXPOSURE_COLUMNS = (
    "incident_id",
    "category_id",
    "status",
    "records_low",
    "records_high",
    "people_low",
    "people_high",
    "jurisdictions",
    "people_by_jurisdiction",
    "protection",
    "already_public",
    "disclosed",
    "unavailable",
    "altered",
    "evidence",
    "decided_at",
    "version",
)


def _exposure_lines(rng: random.Random, categories: list[int]) -> Iterator[str]:
    decided = START.isoformat()
    for i in range(1, INCIDENTS + 1):
        for category in rng.sample(categories, EXPOSURES_PER_INCIDENT):
            status = rng.choice(["suspected", "confirmed", "ruled_out"])
            low = rng.randint(1, 10_000)
            evidence = "evidence on file" if status == "ruled_out" else ""
            people = f'{{"DE": {low // 4}, "US-CA": {low // 4}}}'
            yield (
                f"{i}\t{category}\t{status}\t{low}\t{low * 3}\t{low // 2}\t{low}\t"
                f'["DE", "US-CA"]\t{people}\tnone\tf\tt\tf\tf\t{evidence}\t{decided}\t1\n'
            )


EVENT_COLUMNS = (
    "incident_id",
    "seq",
    "occurred_at",
    "actor_label",
    "verb",
    "before",
    "after",
    "prev_hash",
    "hash",
)


def _event_lines() -> Iterator[str]:
    placeholder = "f" * 64
    for i in range(1, INCIDENTS + 1):
        base = START + timedelta(minutes=5 * i)
        for seq in range(1, _events_of(i) + 1):
            at = (base + timedelta(seconds=seq)).isoformat()
            yield (
                f'{i}\t{seq}\t{at}\tbench\tincident.status_changed\t{{"status": "triage"}}\t'
                f'{{"status": "containment", "reason": "step {seq}"}}\t'
                f"{placeholder}\t{placeholder}\n"
            )
