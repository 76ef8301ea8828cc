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
    document = {
        "v": HASH_FORMAT_VERSION,
        "incident": incident_reference,
        "seq": seq,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
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
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()
