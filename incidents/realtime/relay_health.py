"""Is the outbox relay running? It says so every BEAT_SECONDS in the shared cache (Redis in
production, local memory in the embedded default, where the relay shares the web process);
each web process reads that, so its open pages never say "Live" while the relay that
announces changes is dead."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

log = logging.getLogger(__name__)
KEY = "relay:alive"
BEAT_SECONDS = 2.0
STALE_SECONDS = 10.0  # five missed beats


async def beat() -> None:
    try:
        await cache.aset(KEY, time.time(), timeout=int(STALE_SECONDS * 6))
    except Exception:  # the cache is away: the web processes will see the beats stop
        log.warning("could not record the relay's heartbeat", exc_info=True)


async def alive(watching_since: float) -> bool:
    """The relay beat within STALE_SECONDS; with no beat ever seen, only a watcher younger
    than that gives it the benefit of the doubt (the relay may be starting)."""
    try:
        last = await cache.aget(KEY)
    except Exception:
        return False
    now = time.time()
    if last is None:
        return now - watching_since < STALE_SECONDS
    return now - float(last) < STALE_SECONDS
