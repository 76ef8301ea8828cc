"""Generation counters in the shared cache: a cache key that names the current generation
is forgotten, without deleting anything, the moment the counter moves."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction


def current(key: str) -> int:
    return int(cache.get(key, 0))


def bump(key: str) -> None:
    """Move the counter now, and again after commit: a reader between the two may have
    cached the data as it was before the commit under the first new generation."""

    def move() -> None:
        try:
            cache.incr(key)
        except ValueError:  # first change, or the counter was evicted: any new value will do
            cache.set(key, time.time_ns(), None)

    move()
    transaction.on_commit(move)
