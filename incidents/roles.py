"""Roles are Django groups; these names and what each may do are the whole policy."""

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
# Who may change an incident's response record (status, checks, and later exposures).
RESPONSE_WRITERS = frozenset({ADMIN, COMMANDER, RESPONDER})
# Who may record a notification duty as met (a filing) or waive it: the response team and
# communications, who file the notices.
OBLIGATION_DECIDERS = RESPONSE_WRITERS | {COMMUNICATIONS}

# A signed-in user or AnonymousUser; typed loosely because both are duck-typed here.
User = Any


def roles_of(user: User) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    return viewer_cache.roles(user)


def is_admin(user: User) -> bool:
    return ADMIN in roles_of(user)


def can_write_response(user: User) -> bool:
    return bool(roles_of(user) & RESPONSE_WRITERS)


def can_decide_obligations(user: User) -> bool:
    return bool(roles_of(user) & OBLIGATION_DECIDERS)
