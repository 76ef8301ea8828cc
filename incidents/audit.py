"""Verifying the hash chains: what `manage.py verify_audit` and the export report."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from incidents.models import (
    GENESIS_HASH,
    SECURITY_CHAIN,
    Event,
    Incident,
    SecurityEvent,
    SecurityLogHead,
)
from incidents.services.hashing import canonical_document, canonical_event, chain_hash


@dataclass(frozen=True)
class ChainResult:
    reference: str
    events: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None

    def describe(self) -> str:
        if self.intact:
            return f"{self.reference}: {self.events} events, chain intact"
        return f"{self.reference}: broken at seq {self.broken_at}: {self.reason}"


def recompute_hash(event: Any, reference: str) -> str:
    return chain_hash(
        canonical_event(
            incident_reference=reference,
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            verb=event.verb,
            before=event.before,
            after=event.after,
            prev_hash=event.prev_hash,
            request_id=getattr(event, "request_id", None),
            auth_method=getattr(event, "auth_method", None),
        )
    )


def verify_incident(incident: Incident, events: Iterable[Event] | None = None) -> ChainResult:
    """Walk one chain in seq order; name the first link that does not hold.

    The anchor (event_seq, head_hash) is read before the events, so an event appended
    meanwhile extends the walk instead of looking like tampering. Pass `events` only
    with an incident loaded just before them.
    """
    if events is None and connection.vendor == "postgresql":
        incident = Incident.objects.get(pk=incident.pk)
        return _walk_in_sql_order(incident)
    if events is None:
        incident = Incident.objects.get(pk=incident.pk)
        rows = (
            Event.objects.filter(incident_id=incident.pk)
            .order_by("seq")
            .values_list(*ChainRow.__slots__)
            .iterator(chunk_size=5000)
        )
        # Plain rows, not model instances: a walk over millions of events spends its time
        # hashing, not building objects it only reads.
        return walk_chain(
            incident.reference,
            incident.event_seq,
            incident.head_hash,
            (ChainRow(*values) for values in rows),
            "the incident",
        )
    return walk_chain(
        incident.reference, incident.event_seq, incident.head_hash, events, "the incident"
    )


# The rows as the walk needs them, with the time already in the canonical form's UTC text
# and the JSON as text (decoded here once): no ORM conversions on millions of rows.
WALK_SQL = (
    "SELECT seq, to_char(occurred_at AT TIME ZONE 'UTC', "
    '\'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\'), actor_id, actor_label, verb, '
    "before::text, after::text, prev_hash, hash, request_id, auth_method "
    "FROM incidents_event WHERE incident_id = %s ORDER BY seq"
)


def _walk_in_sql_order(incident: Incident) -> ChainResult:
    """verify_incident on PostgreSQL: the same walk (walk_chain's checks, in its words),
    over plain rows read in batches."""
    reference = incident.reference
    expected_seq, prev_hash, count, hash_at_anchor = 1, GENESIS_HASH, 0, ""
    loads = json.loads
    with connection.chunked_cursor() as cursor:
        cursor.execute(WALK_SQL, [incident.pk])
        while batch := cursor.fetchmany(5000):
            for seq, at, actor_id, label, verb, before, after, prev, digest, req, auth in batch:
                count += 1
                if seq != expected_seq:
                    kind = "missing (removed)" if seq > expected_seq else "out of order (inserted)"
                    return ChainResult(
                        reference, count, expected_seq, f"event {expected_seq} {kind}"
                    )
                if prev != prev_hash:
                    return ChainResult(
                        reference,
                        count,
                        seq,
                        "prev_hash does not match the previous event (inserted or altered)",
                    )
                canonical = canonical_document(
                    reference,
                    seq,
                    at,
                    actor_id,
                    label,
                    verb,
                    loads(before),
                    loads(after),
                    prev,
                    req,
                    auth,
                )
                if chain_hash(canonical) != digest:
                    return ChainResult(
                        reference, count, seq, "content does not match its hash (altered)"
                    )
                if seq == incident.event_seq:
                    hash_at_anchor = digest
                prev_hash, expected_seq = digest, expected_seq + 1
    return _end_of_walk(
        reference,
        count,
        expected_seq - 1,
        incident.event_seq,
        incident.head_hash,
        hash_at_anchor,
        "the incident",
    )


class ChainRow:
    """The fields of an event the walk reads and re-hashes."""

    __slots__ = (
        "actor_id",
        "actor_label",
        "after",
        "auth_method",
        "before",
        "hash",
        "occurred_at",
        "prev_hash",
        "request_id",
        "seq",
        "verb",
    )

    def __init__(self, *values: Any) -> None:
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


def verify_security_log() -> ChainResult:
    """The security log's chain, against the head row (read first, like an incident's)."""
    head = SecurityLogHead.objects.filter(pk=1).first()
    anchor_seq, anchor_hash = (head.seq, head.head_hash) if head else (0, "")
    rows = SecurityEvent.objects.order_by("seq").iterator(chunk_size=2000)
    return walk_chain(SECURITY_CHAIN, anchor_seq, anchor_hash, rows, "the log's head row")


def walk_chain(
    reference: str, anchor_seq: int, anchor_hash: str, rows: Iterable[Any], holder: str
) -> ChainResult:
    """Rows in seq order from 1, each linked to the one before and re-hashing to its own
    hash, ending at the recorded anchor (`holder` names where the anchor is kept)."""
    expected_seq, prev_hash, count, hash_at_anchor = 1, GENESIS_HASH, 0, ""
    for row in rows:
        count += 1
        if row.seq != expected_seq:
            kind = "missing (removed)" if row.seq > expected_seq else "out of order (inserted)"
            return ChainResult(reference, count, expected_seq, f"event {expected_seq} {kind}")
        if row.prev_hash != prev_hash:
            return ChainResult(
                reference,
                count,
                row.seq,
                "prev_hash does not match the previous event (inserted or altered)",
            )
        if recompute_hash(row, reference) != row.hash:
            return ChainResult(
                reference, count, row.seq, "content does not match its hash (altered)"
            )
        if row.seq == anchor_seq:
            hash_at_anchor = row.hash
        prev_hash, expected_seq = row.hash, expected_seq + 1
    return _end_of_walk(
        reference, count, expected_seq - 1, anchor_seq, anchor_hash, hash_at_anchor, holder
    )


def _end_of_walk(
    reference: str,
    count: int,
    last: int,
    anchor_seq: int,
    anchor_hash: str,
    hash_at_anchor: str,
    holder: str,
) -> ChainResult:
    """The chain must end where its holder says it does, with the hash it records."""
    if last < anchor_seq:
        return ChainResult(
            reference,
            count,
            last + 1,
            f"chain ends at seq {last} but {holder} records {anchor_seq} (removed)",
        )
    if anchor_seq and hash_at_anchor != anchor_hash:
        return ChainResult(
            reference, count, anchor_seq, f"hash differs from {holder}'s recorded head hash"
        )
    return ChainResult(reference, count)


def verify_all() -> list[ChainResult]:
    """Every incident's chain, then the security log's."""
    results = [verify_incident(i) for i in Incident.objects.order_by("pk").iterator()]
    return [*results, verify_security_log()]


def chain_row(event: Event | SecurityEvent) -> dict:
    """One link of a hash chain as exported: every field the hash covers, so an auditor can
    re-hash it without Breachroom (the incident chains and the security log alike)."""
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor": event.actor_label,
        "verb": event.verb,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        **_trace(event),
    }


def _trace(event: Event | SecurityEvent) -> dict[str, str]:
    """The request id and sign-in method, exported (and hashed) only when recorded."""
    request_id = getattr(event, "request_id", None)
    auth_method = getattr(event, "auth_method", None)
    return {
        **({"request": request_id} if request_id else {}),
        **({"auth": auth_method} if auth_method else {}),
    }
