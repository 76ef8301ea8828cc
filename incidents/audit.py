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
    """Walk one chain in seq order; name the first link that does not hold.

    The anchor (event_seq, head_hash) is read before the events, so an event appended
    meanwhile extends the walk instead of looking like tampering. Pass `events` only
    with an incident loaded just before them.
    """
    if events is None:
        incident = Incident.objects.get(pk=incident.pk)
        events = incident.events.order_by("seq").iterator(chunk_size=2000)
    anchor_seq, anchor_hash = incident.event_seq, incident.head_hash
    expected_seq, prev_hash, count, hash_at_anchor = 1, GENESIS_HASH, 0, ""
    for event in events:
        count += 1
        if event.seq != expected_seq:
            kind = "missing (removed)" if event.seq > expected_seq else "out of order (inserted)"
            return ChainResult(
                incident.reference, count, expected_seq, f"event {expected_seq} {kind}"
            )
        if event.prev_hash != prev_hash:
            return ChainResult(
                incident.reference,
                count,
                event.seq,
                "prev_hash does not match the previous event (inserted or altered)",
            )
        if recompute_hash(event, incident.reference) != event.hash:
            return ChainResult(
                incident.reference, count, event.seq, "content does not match its hash (altered)"
            )
        if event.seq == anchor_seq:
            hash_at_anchor = event.hash
        prev_hash, expected_seq = event.hash, expected_seq + 1
    last = expected_seq - 1
    if last < anchor_seq:
        return ChainResult(
            incident.reference,
            count,
            last + 1,
            f"chain ends at seq {last} but the incident records {anchor_seq} (removed)",
        )
    if anchor_seq and hash_at_anchor != anchor_hash:
        return ChainResult(
            incident.reference,
            count,
            anchor_seq,
            "hash differs from the incident's recorded head hash",
        )
    return ChainResult(incident.reference, count)


def verify_all() -> list[ChainResult]:
    return [verify_incident(incident) for incident in Incident.objects.order_by("pk").iterator()]
