"""Roles are Django groups: their names, and the roles a person holds. What each role may do
is in incidents/access.py (`ABILITIES`)."""

from __future__ import annotations

from typing import Any

from incidents import viewer_cache

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
    AUDITOR: "Auditor (read-only)",
}
# A signed-in user or AnonymousUser; typed loosely because both are duck-typed here.
User = Any


def roles_of(user: User) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    return viewer_cache.roles(user)
