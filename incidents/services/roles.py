"""Granting and revoking roles: each change on the security log, and the person's other
sessions ended (their rights changed; they sign in again to the new ones)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from incidents.roles import ALL_ROLES
from incidents.services import ServiceError, security_log


def set_roles(
    *,
    user: Any,
    roles: Iterable[str],
    by: Any = None,
    by_label: str | None = None,
    request: Any = None,
    keep_session: str | None = None,
) -> tuple[set[str], set[str]]:
    """Make `user`'s roles exactly `roles`; returns (granted, revoked)."""
    from incidents.signin.sessions import end_sessions

    wanted = set(roles)
    if unknown := wanted - set(ALL_ROLES):
        raise ServiceError(f"Unknown role(s): {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        current = set(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        granted, revoked = wanted - current, current - wanted
        if not granted and not revoked:
            return granted, revoked
        for name in sorted(granted):
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        if revoked:
            user.groups.remove(*Group.objects.filter(name__in=revoked))
        security_log.record(
            "role.changed",
            actor=by,
            actor_label=by_label,
            request=request,
            details={
                "user": user.get_username(),
                "granted": sorted(granted),
                "revoked": sorted(revoked),
            },
        )
        transaction.on_commit(lambda: end_sessions(user=user, keep=keep_session))
    return granted, revoked
