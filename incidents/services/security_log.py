"""Appending to the security log (models.security_log): one call per security-relevant act,
in the same transaction as the act when there is one. Details are words and ids, never a
password, token or code."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.models import GENESIS_HASH, SECURITY_CHAIN, SecurityEvent, SecurityLogHead
from incidents.services.events import actor_label_for, jsonable
from incidents.services.hashing import canonical_event, chain_hash

ADDRESS_MAX = 45  # an IPv6 address in text


def client_address(request: Any) -> str:
    """Where the request came from, as the server saw it (a proxy must be trusted to set
    more: REMOTE_ADDR is what Django and django-axes use)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:ADDRESS_MAX]


def record(
    verb: str,
    *,
    actor: Any = None,
    actor_label: str | None = None,
    request: Any = None,
    details: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Append one event; the head row is locked, so appends are one at a time."""
    after = jsonable({**(details or {}), "address": client_address(request)})
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    label = actor_label or actor_label_for(actor)
    with transaction.atomic():
        head, _ = SecurityLogHead.objects.select_for_update().get_or_create(pk=1)
        seq, prev_hash = head.seq + 1, head.head_hash or GENESIS_HASH
        occurred_at = timezone.now()
        digest = chain_hash(
            canonical_event(
                incident_reference=SECURITY_CHAIN,
                seq=seq,
                occurred_at=occurred_at,
                actor_id=actor.pk if actor is not None else None,
                actor_label=label,
                verb=verb,
                before={},
                after=after,
                prev_hash=prev_hash,
            )
        )
        event = SecurityEvent.objects.create(
            seq=seq,
            occurred_at=occurred_at,
            actor=actor,
            actor_label=label,
            verb=verb,
            after=after,
            prev_hash=prev_hash,
            hash=digest,
        )
        SecurityLogHead.objects.filter(pk=1).update(seq=seq, head_hash=digest)
    return event
