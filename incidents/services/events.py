"""Appending to an incident's event log: the one way a response step is recorded."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from incidents import request_context
from incidents.models import GENESIS_HASH, Event, EventOutbox, Incident
from incidents.models.event import OUTBOX_CHANNEL
from incidents.services.chat import announce_later
from incidents.services.hashing import canonical_event, chain_hash

SYSTEM_ACTOR = "system"


def actor_label_for(user: Any) -> str:
    if user is None:
        return SYSTEM_ACTOR
    return str(user.get_username())


def append_event(
    *,
    incident: Incident,
    verb: str,
    actor: Any = None,
    actor_label: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Event:
    """Append one event. The caller holds `incident` locked (services.locking) inside the
    transaction that also makes the change, so seq and prev_hash cannot race."""
    assert connection.in_atomic_block, "append_event must run inside the change's transaction"
    before = jsonable(before or {})
    after = jsonable(after or {})
    seq = incident.event_seq + 1
    prev_hash = incident.head_hash or GENESIS_HASH
    label = actor_label or actor_label_for(actor)
    occurred_at = timezone.now()
    request_id, auth_method = request_context.current()
    digest = chain_hash(
        canonical_event(
            incident_reference=incident.reference,
            seq=seq,
            occurred_at=occurred_at,
            actor_id=actor.pk if actor is not None else None,
            actor_label=label,
            verb=verb,
            before=before,
            after=after,
            prev_hash=prev_hash,
            request_id=request_id,
            auth_method=auth_method,
        )
    )
    event = Event.objects.create(
        incident=incident,
        seq=seq,
        occurred_at=occurred_at,
        actor=actor,
        actor_label=label,
        verb=verb,
        before=before,
        after=after,
        prev_hash=prev_hash,
        hash=digest,
        request_id=request_id,
        auth_method=auth_method,
    )
    Incident.objects.filter(pk=incident.pk).update(event_seq=seq, head_hash=digest)
    incident.event_seq, incident.head_hash = seq, digest
    EventOutbox.objects.create(event=event, incident_id=incident.pk, seq=seq)
    announce_later(incident, event)  # its chat channel, if it has one, once this commits
    if connection.vendor == "postgresql":
        # Wakes the relay when the change commits (PostgreSQL holds a NOTIFY until then and
        # sends one per transaction), instead of it finding the row at its next poll.
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {OUTBOX_CHANNEL}")
    return event


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Strings, ints, bools and None survive a JSON round trip unchanged; make the rest
    (dates, enums, decimals) strings so the stored row re-hashes to the same value."""
    return {str(k): _plain(v) for k, v in values.items()}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dict):
        return jsonable(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
