"""The outbox relay: hands committed events to the channel layer, in order, then forgets them.

Runs inside the web process (embedded) or as `manage.py run_relay` (production); the same
loop either way. Publishing is at-least-once; consumers ignore sequence numbers they have
sent and fetch any gap from the database, so a lost frame costs latency, not data.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from channels.db import database_sync_to_async
from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings

from incidents.models import EventOutbox
from incidents.realtime import relay_health
from incidents.realtime.groups import (
    DASHBOARD,
    dashboard_message,
    incident_event_message,
    incident_group,
)
from incidents.realtime.relay_lock import HeldLock, relay_lock

log = logging.getLogger(__name__)
BATCH = 500
# Seconds between tries while the database or the layer is away: capped low, so the relay
# is back within seconds of their return (a failed connection attempt costs nothing).
RETRY_FIRST, RETRY_MAX = 1.0, 8.0


@dataclass(frozen=True)
class Pending:
    outbox_id: int
    incident_id: int
    seq: int


def _fetch_pending() -> list[Pending]:
    rows = EventOutbox.objects.order_by("id").values_list("id", "incident_id", "seq")[:BATCH]
    return [Pending(*row) for row in rows]


def _forget(outbox_ids: list[int]) -> None:
    EventOutbox.objects.filter(id__in=outbox_ids).delete()


async def publish_pending(layer: BaseChannelLayer | None = None) -> int:
    """Publish one batch of pending events; returns how many were published."""
    layer = layer or get_channel_layer()
    pending = await database_sync_to_async(_fetch_pending)()
    if not pending or layer is None:
        return 0
    latest: dict[int, int] = {}
    opened: list[int] = []
    for item in pending:
        latest[item.incident_id] = max(latest.get(item.incident_id, 0), item.seq)
        if item.seq == 1:
            opened.append(item.incident_id)
    # One frame per incident per batch: consumers fetch every seq up to this one.
    for incident_id, seq in latest.items():
        await layer.group_send(
            incident_group(incident_id), incident_event_message(incident_id, seq)
        )
    await layer.group_send(DASHBOARD, dashboard_message(sorted(latest), sorted(set(opened))))
    await database_sync_to_async(_forget)([item.outbox_id for item in pending])
    return len(pending)


async def run_relay(stop: asyncio.Event, *, lock_factory: Callable | None = None) -> None:
    """Publish until `stop` is set. With a lock factory (PostgreSQL), publish only while
    holding the single-relay lock, so a second relay process waits as a standby."""

    factory = lock_factory or relay_lock
    interval = settings.RELAY_POLL_SECONDS
    last_beat = 0.0
    backoff = RETRY_FIRST
    while not stop.is_set():
        try:
            async with factory() as held:
                backoff = RETRY_FIRST if held else backoff
                last_beat = await _publish_while_held(stop, held, interval, last_beat)
        except Exception:
            # The database (or the layer) is away: never exit, try again with backoff.
            log.exception("relay lost its database or layer; retrying in %ss", backoff)
            await _sleep_or_stop(stop, backoff)
            backoff = min(backoff * 2, RETRY_MAX)


async def _publish_while_held(
    stop: asyncio.Event, held: HeldLock, interval: float, last_beat: float
) -> float:
    """Publish while this relay holds the lock; returns when it stops holding it (or was
    never given it: then after a pause, so a standby asks again)."""
    if not held:
        await _sleep_or_stop(stop, 2.0)
        return last_beat
    log.info("outbox relay active")
    while not stop.is_set() and held.still_held():
        try:
            published = await publish_pending()
        except Exception:
            log.exception("relay batch failed; retrying")
            await _sleep_or_stop(stop, 1.0)
            continue
        # A beat says "I can read the outbox and announce": only after a batch went
        # through, so a relay that cannot reach the database stops beating and the pages
        # are told they are not live (realtime/hub.py), instead of a lock that looks held.
        if time.monotonic() - last_beat >= relay_health.BEAT_SECONDS:
            last_beat = time.monotonic()
            await relay_health.beat()
        if published < BATCH and not stop.is_set():
            await held.wait_for_news(interval)
    if not stop.is_set():
        log.warning("relay lost its lock's connection; taking the lock again")
    return last_beat


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
