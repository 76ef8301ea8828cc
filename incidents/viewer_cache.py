"""What every page asks about its viewer (role names, unread notifications), cached in the
shared cache as one entry, so a page served from cache runs no query for it.

The entry is keyed by a generation bumped whenever a user, a group or a group membership
changes; it is dropped whenever one of the user's notifications is written (and by
`services.notifications.mark_all_read`, which updates in bulk). On only with the page cache
(a shared Redis cache: notifications are written by worker processes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from incidents import generations

GENERATION_KEY = "viewer-generation"
SECONDS = 300


def enabled() -> bool:
    return bool(settings.INCIDENT_PAGE_CACHE)


def roles(user: Any) -> frozenset[str]:
    if not enabled():
        if (found := getattr(user, "_breachroom_roles", None)) is None:
            found = user._breachroom_roles = _load_roles(user)
        return frozenset(found)
    return frozenset(_facts(user)["roles"])


def unread(user: Any) -> int:
    return int(_facts(user)["unread"]) if enabled() else _load_unread(user)


def _facts(user: Any) -> dict[str, Any]:
    """{"roles": role names, "unread": int}: one cache read per request."""
    found = getattr(user, "_breachroom_viewer", None)
    if found is None:
        key = _key(user.pk)
        found = cache.get(key)
        if found is None:
            found = {"roles": _load_roles(user), "unread": _load_unread(user)}
            cache.set(key, found, SECONDS)
        user._breachroom_viewer = found
    return found


def forget_unread(user_id: int) -> None:
    """The user's unread count changed: drop the entry now and after commit."""

    def forget() -> None:
        cache.delete(_key(user_id))

    forget()
    transaction.on_commit(forget)


def _key(user_id: int) -> str:
    return f"viewer:{generations.current(GENERATION_KEY)}:{user_id}"


def _load_roles(user: Any) -> frozenset[str]:
    from incidents.roles import ADMIN, ALL_ROLES

    names = set(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
    if getattr(user, "is_superuser", False):
        names.add(ADMIN)
    return frozenset(names)


def _load_unread(user: Any) -> int:
    from incidents.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def _bump(*args: Any, **kwargs: Any) -> None:
    generations.bump(GENERATION_KEY)


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
