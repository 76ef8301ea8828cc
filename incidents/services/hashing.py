"""Canonical form and hash of an event: what an auditor re-computes to verify the chain."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

HASH_FORMAT_VERSION = 1


def canonical_event(
    *,
    incident_reference: str,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    verb: str,
    before: dict[str, Any],
    after: dict[str, Any],
    prev_hash: str,
    request_id: str | None = None,
    auth_method: str | None = None,
) -> bytes:
    """Sorted-key, compact JSON in UTF-8; times as UTC ISO 8601 with microseconds. The
    request id and sign-in method are covered when the event has them (the keys are left
    out, not null, when it does not: events from before they existed hash as they did)."""
    return canonical_document(
        incident_reference,
        seq,
        occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        actor_id,
        actor_label,
        verb,
        before,
        after,
        prev_hash,
        request_id,
        auth_method,
    )


# encode() of the canonical form: one encoder made once (the walk re-hashes millions).
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical_document(
    incident_reference: str,
    seq: int,
    occurred_utc: str,
    actor_id: int | None,
    actor_label: str,
    verb: str,
    before: Any,
    after: Any,
    prev_hash: str,
    request_id: str | None = None,
    auth_method: str | None = None,
) -> bytes:
    """canonical_event with the time already written as UTC ISO 8601 with microseconds
    ("2026-11-23T09:18:00.000000+00:00"), as the chain walk reads it from the database."""
    document = {
        "v": HASH_FORMAT_VERSION,
        "incident": incident_reference,
        "seq": seq,
        "occurred_at": occurred_utc,
        "actor_id": actor_id,
        "actor": actor_label,
        "verb": verb,
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }
    if request_id:
        document["request"] = request_id
    if auth_method:
        document["auth"] = auth_method
    return _ENCODE(document).encode()


def chain_hash(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()
