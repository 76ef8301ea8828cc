"""What every request asks about its viewer (the user row, role names, unread
notifications), kept in the shared cache as one entry per user, so a page served from cache
runs no query at all.

The entry records the generations it was built under (incidents.generations: VIEWER moves
on any change to users, groups or group memberships; unread(user) on any change to the
user's notifications) and is read together with them in one round trip. The user row in it
is what `auth_backend.CachedUserBackend` hands to Django's session check, so a password
change or a deactivation still ends sessions at once (the row changed: VIEWER moved).
The password hash is not cached: the entry keeps the session hash made from it (what
sessions already hold), and the cached user has its password column deferred.
On only with the page cache (a shared Redis cache: notifications are written by worker
processes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS

from incidents import generations

SECONDS = 60  # the bound for a change made without signals (raw SQL, .update())
_ATTRIBUTE = "_breachroom_viewer"


def enabled() -> bool:
    return bool(settings.INCIDENT_PAGE_CACHE)


def roles(user: Any) -> frozenset[str]:
    return frozenset(_facts(user)["roles"])


def unread(user: Any) -> int:
    return int(_facts(user)["unread"]) if enabled() else _load_unread(user)


def cached_user(user_id: int, load: Any) -> Any:
    """The user `user_id` from the entry when it is current; else `load(user_id)` (None
    for no such active user) and a new entry. The user comes back with its facts."""
    gens, entry = _read(user_id)
    if entry is not None and entry["row"] is not None:
        user = _user_from_row(entry["row"])
    else:
        user = load(user_id)
        if user is None:
            return None
        entry = {**(entry or {"gens": gens, **_load(user)}), "row": _row_of(user)}
        cache.set(_key(user_id), entry, SECONDS)
    setattr(user, _ATTRIBUTE, entry)
    return user


def _facts(user: Any) -> dict[str, Any]:
    """{"roles": [...], "unread": int} for any user object, once per object."""
    found = getattr(user, _ATTRIBUTE, None)
    if found is None:
        if enabled():
            gens, found = _read(user.pk)
            if found is None:
                found = {"gens": gens, "row": None, **_load(user)}
                cache.set(_key(user.pk), found, SECONDS)
        else:
            found = {"roles": _load_roles(user), "unread": None}
        setattr(user, _ATTRIBUTE, found)
    return found


def _read(user_id: int) -> tuple[list[int], dict[str, Any] | None]:
    """The current generations, and the entry if it was built under them."""
    gens, found = generations.current_many(_generation_keys(user_id), _key(user_id))
    entry = found.get(_key(user_id))
    return gens, (entry if entry is not None and entry["gens"] == gens else None)


def _row_of(user: Any) -> dict[str, Any]:
    """The user's columns but the password hash, and the session hash made from it."""
    fields = {
        f.attname: getattr(user, f.attname)
        for f in user._meta.concrete_fields
        if f.attname != "password"
    }
    return {"fields": fields, "session_hash": user.get_session_auth_hash()}


def _user_from_row(row: dict[str, Any]) -> Any:
    """A user as loaded from the database with the password column deferred: saving it
    leaves the password alone, and reading the password loads it. Until then the session
    check gets the cached session hash."""
    model = get_user_model()
    names = list(row["fields"])
    user = model.from_db(DEFAULT_DB_ALIAS, names, [row["fields"][n] for n in names])
    cached = row["session_hash"]

    def session_auth_hash() -> str:
        if "password" in user.get_deferred_fields():
            return str(cached)
        return str(model.get_session_auth_hash(user))  # a new password was set on it

    user.get_session_auth_hash = session_auth_hash  # type: ignore[method-assign]
    return user


def _generation_keys(user_id: int) -> tuple[str, str]:
    return (generations.VIEWER, generations.unread(user_id))


def _key(user_id: int) -> str:
    return f"viewer:{user_id}"


def _load(user: Any) -> dict[str, Any]:
    return {"roles": sorted(_load_roles(user)), "unread": _load_unread(user)}


def _load_roles(user: Any) -> frozenset[str]:
    from incidents.roles import ADMIN, ALL_ROLES

    names = set(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
    if getattr(user, "is_superuser", False):
        names.add(ADMIN)
    return frozenset(names)


def _load_unread(user: Any) -> int:
    from incidents.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()
