"""Verifying the hash chains: what `manage.py verify_audit` and the export report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from incidents.models import GENESIS_HASH, Event, Incident
from incidents.services.hashing import canonical_event, chain_hash


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


def recompute_hash(event: Event, reference: str) -> str:
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
        )
    )


def verify_incident(incident: Incident, events: Iterable[Event] | None = None) -> ChainResult:
    """Walk one chain in seq order; name the first link that does not hold."""
    rows = events if events is not None else incident.events.order_by("seq").iterator(chunk_size=2000)
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    for event in rows:
        count += 1
        if event.seq != expected_seq:
            kind = "missing (removed)" if event.seq > expected_seq else "out of order (inserted)"
            return ChainResult(incident.reference, count, expected_seq, f"event {expected_seq} {kind}")
        if event.prev_hash != prev_hash:
            return ChainResult(incident.reference, count, event.seq,
                               "prev_hash does not match the previous event (inserted or altered)")
        if recompute_hash(event, incident.reference) != event.hash:
            return ChainResult(incident.reference, count, event.seq, "content does not match its hash (altered)")
        prev_hash, expected_seq = event.hash, expected_seq + 1
    last = expected_seq - 1
    if last != incident.event_seq:
        return ChainResult(incident.reference, count, last + 1,
                           f"chain ends at seq {last} but the incident records {incident.event_seq} (removed)")
    if last and incident.head_hash != prev_hash:
        return ChainResult(incident.reference, count, last, "last hash differs from the incident's head hash")
    return ChainResult(incident.reference, count)


def verify_all() -> list[ChainResult]:
    return [verify_incident(incident) for incident in Incident.objects.order_by("pk").iterator()]
