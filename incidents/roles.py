"""Roles are Django groups: their names, the roles a person holds, and the role set a shared
rendering is drawn for. What each role may do is in incidents/access.py (`ABILITIES`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

ADMIN = "admin"
COMMANDER = "incident_commander"
RESPONDER = "responder"
COMMUNICATIONS = "communications"
AUDITOR = "auditor"

ALL_ROLES = (ADMIN, COMMANDER, RESPONDER, COMMUNICATIONS, AUDITOR)
ROLE_LABELS = {
    ADMIN: "Admin",
    COMMANDER: "Incident commander",
    RESPONDER: "Responder",
    COMMUNICATIONS: "Communications",
    AUDITOR: "Auditor",  # reads everything; writes only audit steps (access.may_move_step)
}
# A signed-in user, AnonymousUser or a RoleSet; typed loosely because all are duck-typed.
User = Any
_ROLES = "_breachroom_roles"
_UNREAD = "_breachroom_unread"
_SHARED = "_breachroom_shared_revisions"


@dataclass(frozen=True)
class RoleSet:
    """Who a shared rendering is drawn for: a set of roles, never a person. Anything a
    section shows may depend on these and nothing else about the viewer."""

    roles: frozenset[str]
    is_authenticated = True
    pk = None

    @property
    def key(self) -> str:
        return ",".join(sorted(self.roles)) or "-"


def roles_of(user: User) -> frozenset[str]:
    """The user's role names: read once per request (with the unread count) and kept on the
    user object for the rest of it. Never cached across requests: a change of roles,
    however it was made, shows on the next request."""
    if isinstance(user, RoleSet):
        return user.roles
    if not user.is_authenticated:
        return frozenset()
    found = getattr(user, _ROLES, None)
    if found is None:
        _load_viewer_facts(user)
        found = getattr(user, _ROLES)
    return frozenset(found)


def unread_count(user: User) -> int:
    if not user.is_authenticated or isinstance(user, RoleSet):
        return 0
    found = getattr(user, _UNREAD, None)
    if found is None:
        _load_viewer_facts(user)
        found = getattr(user, _UNREAD)
    return int(found)


def shared_revisions(user: User) -> dict[str, int]:
    """The revisions of the data every page may show (people, catalogue, partners,
    credentials: models/revision.py), read with the roles: what keys shared renderings
    that are not about one incident (the list's filters)."""
    found = getattr(user, _SHARED, None)
    if found is None:
        _load_viewer_facts(user)
        found = getattr(user, _SHARED)
    return dict(found)


def remember_roles(user: User, roles: frozenset[str]) -> None:
    """Roles the access gate read in its own query: no second query for them."""
    if not isinstance(user, RoleSet):
        setattr(user, _ROLES, roles)


# Roles, the unread-notification badge and the shared revisions in one round trip.
_VIEWER_FACTS = (
    "SELECT 'role', g.name, 0 FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id "
    "WHERE ug.user_id = %s "
    "UNION ALL SELECT 'unread', '', COUNT(*) FROM incidents_notification "
    "WHERE user_id = %s AND read_at IS NULL "
    "UNION ALL SELECT 'revision', r.source, r.rev FROM incidents_revision r "
    "WHERE r.incident_id = 0"
)


def _load_viewer_facts(user: User) -> None:
    """For a signed-in person (never a RoleSet: those hold their roles already)."""
    with connection.cursor() as cursor:
        cursor.execute(_VIEWER_FACTS, [user.pk, user.pk])
        rows = cursor.fetchall()
    names = {name for kind, name, _ in rows if kind == "role" and name in ALL_ROLES}
    if getattr(user, "is_superuser", False):
        names.add(ADMIN)
    setattr(user, _ROLES, frozenset(names))
    setattr(user, _UNREAD, sum(number for kind, _, number in rows if kind == "unread"))
    setattr(user, _SHARED, {name: int(number) for kind, name, number in rows if kind == "revision"})
