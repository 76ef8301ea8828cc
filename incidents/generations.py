"""Generation counters in the shared cache. A cached entry records the generations it was
built under and is used only while they are still current, so nothing is ever deleted:
moving a counter forgets everything built under its old value.

- LIST moves on every change to any incident or to the shared data (list rows show both);
- SHARED moves on every change to data no single incident owns (people, roles, partners,
  templates, playbooks, systems...), which every incident page may show;
- incident(reference) moves on every change to that incident or what belongs to it;
- VIEWER moves on every change to users, groups and group memberships (roles);
- unread(user_id) moves when that user's notifications change.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db import transaction

LIST = "incident-list-generation"
SHARED = "shared-generation"
VIEWER = "viewer-generation"


def incident(reference: str) -> str:
    return f"incident-generation:{reference}"


def unread(user_id: int) -> str:
    return f"unread-generation:{user_id}"


def current(key: str) -> int:
    return int(cache.get(key, 0))


def current_many(keys: Sequence[str], *also: str) -> tuple[list[int], dict[str, Any]]:
    """The generations named by `keys`, and the cache entries named by `also`, in one
    round trip (an entry is read together with the counters that say whether it is still
    good)."""
    found = cache.get_many([*keys, *also])
    return [int(found.get(key, 0)) for key in keys], {k: found[k] for k in also if k in found}


def bump(*keys: str) -> None:
    """Move the counters now and again once the change is committed. The second move is
    the one other readers need (they read the counters before the data, so an entry drawn
    from data read before the commit names an older value); the first lets the writing
    transaction itself, and a test running in one, read its own change through the cache.
    The after-commit moves of one transaction are made together, once per counter."""
    _move(keys)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return  # autocommit: the change is already committed
    # Kept on the connection (one per thread): the first callback of the commit moves them
    # all and the rest find nothing. Left over by a rollback, they move at the next commit.
    pending: set[str] = connection.__dict__.setdefault(_PENDING, set())
    pending.update(keys)
    transaction.on_commit(lambda: _move_pending(pending))


_PENDING = "_breachroom_generations_after_commit"


def _move_pending(pending: set[str]) -> None:
    keys = tuple(pending)
    pending.clear()
    _move(keys)


def _move(keys: Sequence[str]) -> None:
    if not keys:
        return
    move_many = getattr(cache, "move_generations", None)
    if move_many is not None:
        move_many(keys, seed=time.time_ns())
        return
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # first change, or the counter was evicted: never an old value
            cache.set(key, time.time_ns(), None)
