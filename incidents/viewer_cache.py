"""What every page asks about its viewer (role names, unread notifications), cached in the
shared cache so a page served from cache runs no query for it.

Role names are keyed by a generation bumped whenever a user, a group or a group membership
changes; the unread count is dropped whenever one of the user's notifications is written
(and by `services.notifications.mark_all_read`, which updates in bulk). On only with the
page cache (a shared Redis cache: notifications are written by worker processes)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

GENERATION_KEY = "viewer-generation"
SECONDS = 300


def enabled() -> bool:
    return bool(settings.INCIDENT_PAGE_CACHE)


def roles(user_id: int, load: Callable[[], frozenset[str]]) -> frozenset[str]:
    if not enabled():
        return load()
    key = f"viewer-roles:{cache.get(GENERATION_KEY, 0)}:{user_id}"
    found = cache.get(key)
    if found is None:
        found = load()
        cache.set(key, found, SECONDS)
    return frozenset(found)


def unread(user_id: int, load: Callable[[], int]) -> int:
    if not enabled():
        return load()
    key = _unread_key(user_id)
    found = cache.get(key)
    if found is None:
        found = load()
        cache.set(key, found, SECONDS)
    return int(found)


def forget_unread(user_id: int) -> None:
    cache.delete(_unread_key(user_id))
    transaction.on_commit(lambda: cache.delete(_unread_key(user_id)))


def _unread_key(user_id: int) -> str:
    return f"viewer-unread:{user_id}"


def _bump(*args: Any, **kwargs: Any) -> None:
    def bump() -> None:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, time.time_ns(), None)

    # Now, and again after commit: a reader in between may have cached the old roles.
    bump()
    transaction.on_commit(bump)


def _notification_written(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_unread(instance.user_id)


def connect() -> None:
    from django.contrib.auth.models import Group, User

    from incidents.models import Notification

    for model in (User, Group):
        post_save.connect(_bump, sender=model, dispatch_uid=f"viewer-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"viewer-d-{model.__name__}")
    m2m_changed.connect(_bump, sender=User.groups.through, dispatch_uid="viewer-groups")
    post_save.connect(_notification_written, sender=Notification, dispatch_uid="viewer-unread")
    post_delete.connect(_notification_written, sender=Notification, dispatch_uid="viewer-unr-d")
