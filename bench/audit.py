"""The audit trail's costs (issue 17), each beside its floor measured in the same run:

- verifying 5,000,000 events (5,000 chains of 1,000, hashed for real) with the signed
  checkpoints, target under 40 s; the floor is SHA-256 alone over the same canonical bytes;
- a checkpoint over 100,000 chains (the bulk set's incidents), target under 5 s; the floor is
  reading those heads with raw SQL.

The 5,000 chains are loaded once with COPY (their hashes computed here, as append_event
would) and kept; the run then times `audit_runs.run_now` (every chain walked and re-hashed,
then the checkpoints checked) and `make_checkpoint`.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from datetime import UTC, datetime, timedelta

from django.db import connection

from bench import seed_bulk
from incidents.models import Incident
from incidents.services.hashing import canonical_event, chain_hash

AUDIT_CHAINS = 5_000
EVENTS_PER_CHAIN = 1_000
PREFIX = "AUD-2026-"
START = datetime(2026, 1, 1, tzinfo=UTC)


def run(url: str) -> None:
    from django.contrib.auth.models import User

    user = seed_bulk.bench_user()
    if not seed_bulk.is_seeded():
        print("loading the bulk set (100,000 incidents) for the checkpoint…")
        seed_bulk.seed(user)
    if not Incident.objects.filter(reference=f"{PREFIX}{AUDIT_CHAINS:06d}").exists():
        print(f"loading {AUDIT_CHAINS:,} chains of {EVENTS_PER_CHAIN:,} hashed events…")
        took = _load_chains(User.objects.get(pk=user.pk))
        print(f"  loaded in {took:.0f}s")
    with connection.cursor() as cursor:
        # The bulk set's events all carry one placeholder hash (seed_bulk: it measures reads);
        # its heads say the same, so a checkpoint sees those chains as they are.
        cursor.execute(
            "UPDATE incidents_incident SET head_hash = repeat('f', 64) "
            "WHERE reference NOT LIKE %s AND head_hash <> repeat('f', 64)",
            [f"{PREFIX}%"],
        )
    _checkpoint_figures()
    _verification_figures()


def _load_chains(user: object) -> float:
    """COPY the chains in, each event hashed as append_event hashes it."""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM incidents_incident")
        first_id = int(cursor.fetchone()[0]) + 1
    incidents = io.StringIO()
    events = io.StringIO()
    now = START.isoformat()
    with connection.cursor() as cursor:
        for n in range(AUDIT_CHAINS):
            incident_id, reference = first_id + n, f"{PREFIX}{n + 1:06d}"
            previous = "0" * 64
            for seq in range(1, EVENTS_PER_CHAIN + 1):
                at = START + timedelta(seconds=seq)
                after = {"body": f"note {seq} on {reference}", "n": seq}
                digest = chain_hash(
                    canonical_event(
                        incident_reference=reference,
                        seq=seq,
                        occurred_at=at,
                        actor_id=None,
                        actor_label="bench",
                        verb="note.added",
                        before={},
                        after=after,
                        prev_hash=previous,
                    )
                )
                events.write(
                    f"{incident_id}\t{seq}\t{at.isoformat()}\t\\N\tbench\tnote.added\t{{}}\t"
                    f"{json.dumps(after)}\t{previous}\t{digest}\n"
                )
                previous = digest
            incidents.write(
                f"{incident_id}\t{reference}\taudit bench {n}\t\tsev3\tnew\tf\t{now}\t{now}"
                f"\t{EVENTS_PER_CHAIN}\t{previous}\tcontroller\t{reference}\t\n"
            )
            if (n + 1) % 250 == 0:
                _flush(cursor, incidents, events)
                incidents, events = io.StringIO(), io.StringIO()
        _flush(cursor, incidents, events)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('incidents_incident','id'), "
            "(SELECT max(id) FROM incidents_incident))"
        )
        cursor.execute("ANALYZE incidents_event")
    return time.perf_counter() - start


INCIDENT_COLUMNS = (
    "id, reference, title, summary, severity, status, restricted, created_at, updated_at, "
    "event_seq, head_hash, data_role, search_text, resolution"
)
EVENT_COLUMNS = (
    "incident_id, seq, occurred_at, actor_id, actor_label, verb, before, after, prev_hash, hash"
)


def _flush(cursor: object, incidents: io.StringIO, events: io.StringIO) -> None:
    with cursor.copy(f"COPY incidents_incident ({INCIDENT_COLUMNS}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        copy.write(incidents.getvalue())
    with cursor.copy(f"COPY incidents_event ({EVENT_COLUMNS}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        copy.write(events.getvalue())


def _checkpoint_figures() -> None:
    from incidents.services.checkpoints import make_checkpoint

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reference, event_seq, head_hash FROM incidents_incident WHERE event_seq > 0"
        )
        chains = len(cursor.fetchall())
    floor = time.perf_counter() - start
    start = time.perf_counter()
    first = make_checkpoint()
    took_first = time.perf_counter() - start
    start = time.perf_counter()
    second = make_checkpoint()
    took_second = time.perf_counter() - start
    assert first is not None and second is not None
    from incidents.models import CheckpointHead

    moved = CheckpointHead.objects.filter(checkpoint=first).count()
    print(
        f"checkpoint over {first.tree_size:,} chains: {took_first:.2f}s with {moved:,} heads "
        f"moved since the last (target < 5 s), {took_second:.2f}s right after with none "
        f"moved; floor: reading the {chains:,} heads with raw SQL {floor:.2f}s"
    )


def _verification_figures() -> None:
    from incidents.audit import verify_incident
    from incidents.checkpoints.verification import verify_checkpoints
    from incidents.models import Event

    events = Event.objects.filter(incident__reference__startswith=PREFIX).count()
    # The floor: SHA-256 alone over the canonical bytes of that many events (one chain's
    # bytes, repeated: the hashing cost does not depend on which events they are).
    sample = [
        canonical_event(
            incident_reference=f"{PREFIX}000001",
            seq=seq,
            occurred_at=START + timedelta(seconds=seq),
            actor_id=None,
            actor_label="bench",
            verb="note.added",
            before={},
            after={"body": f"note {seq}", "n": seq},
            prev_hash="0" * 64,
        )
        for seq in range(1, 1001)
    ]
    start = time.perf_counter()
    for _ in range(events // len(sample)):
        for data in sample:
            hashlib.sha256(data).hexdigest()
    floor = time.perf_counter() - start
    # What the hourly run does (services/audit_runs.py), over the hashed chains only: the
    # bulk set's events carry placeholder hashes.
    ids = list(Incident.objects.filter(reference__startswith=PREFIX).values_list("pk", flat=True))
    start = time.perf_counter()
    walked = [verify_incident(Incident(pk=pk)) for pk in ids]
    walk = time.perf_counter() - start
    report = verify_checkpoints()
    took = time.perf_counter() - start
    intact = all(r.intact for r in walked)
    audit_problems = [p for p in report.problems if p.startswith(PREFIX)]
    print(
        f"verify_audit: {sum(r.events for r in walked):,} events in {len(walked):,} chains "
        f"walked in {walk:.1f}s, then checkpoint {report.latest.seq if report.latest else '-'} "
        f"over {report.chains_covered:,} chains: {took:.1f}s in all (target < 40 s); intact: "
        f"{intact and not audit_problems}; floor: SHA-256 alone over {events:,} events' bytes "
        f"{floor:.1f}s"
    )
