"""The one access gate. Every view, websocket consumer, template context and export asks
here: which incidents a person may see, and what their roles let them do (`may`).

An incident the user may not see does not exist for them (404, close 4403), because its
existence is data too. Seeing is not changing: writes ask `may` / `require`.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from incidents.models import Incident
from incidents.roles import (
    ADMIN,
    ALL_ROLES,
    AUDITOR,
    COMMANDER,
    COMMUNICATIONS,
    RESPONDER,
    User,
    roles_of,
)


class Ability(StrEnum):
    """What a role may do. The whole policy is ABILITIES below."""

    USE = "use Breachroom at all (org-wide pages: duties, partners, credentials)"
    WRITE_RESPONSE = "change an incident's response record"
    OPEN_INCIDENT = "open incidents"
    DECIDE_OBLIGATIONS = "record a duty as met or waive it"
    WRITE_NOTICES = "draft, edit and send notices; keep the partner directory"
    MANAGE_MEMBERS = "add and remove members of restricted incidents"
    GRANT_ROLES = "grant and revoke roles, set the MFA policy, unlock sign-ins"
    READ_SECURITY_LOG = "read and export the security log"
    SEE_ALL_INCIDENTS = "see every incident, restricted or not"
    NAME_PROBE_SECRETS = "name the worker's environment variable a rotation probe presents"


RESPONSE_TEAM = frozenset({ADMIN, COMMANDER, RESPONDER})
ABILITIES: dict[Ability, frozenset[str]] = {
    Ability.USE: frozenset(ALL_ROLES),
    Ability.WRITE_RESPONSE: RESPONSE_TEAM,
    Ability.OPEN_INCIDENT: RESPONSE_TEAM,
    # Communications files the notices, so it records them as met.
    Ability.DECIDE_OBLIGATIONS: RESPONSE_TEAM | {COMMUNICATIONS},
    Ability.WRITE_NOTICES: RESPONSE_TEAM | {COMMUNICATIONS},
    Ability.MANAGE_MEMBERS: frozenset({ADMIN, COMMANDER}),
    Ability.GRANT_ROLES: frozenset({ADMIN}),
    Ability.READ_SECURITY_LOG: frozenset({ADMIN, AUDITOR}),
    Ability.SEE_ALL_INCIDENTS: frozenset({ADMIN}),
    Ability.NAME_PROBE_SECRETS: frozenset({ADMIN}),
}


def may(user: User, ability: Ability) -> bool:
    return bool(roles_of(user) & ABILITIES[ability])


def require(user: User, ability: Ability) -> None:
    """PermissionDenied (403, nothing changed) unless the user's roles allow `ability`."""
    if not may(user, ability):
        raise PermissionDenied(f"Your role may not {ability.value}.")


def visible_incidents(user: User) -> QuerySet[Incident]:
    """Incidents this user may see: none without a role; restricted ones only as member."""
    if not may(user, Ability.USE):
        return Incident.objects.none()
    if may(user, Ability.SEE_ALL_INCIDENTS):
        return Incident.objects.all()
    # EXISTS probes the (incident, user) index per row; IN would hash every membership of
    # the user on each query, which dominates on large lists.
    membership = Incident.members.through.objects.filter(incident_id=OuterRef("pk"), user=user)
    return Incident.objects.filter(Q(restricted=False) | Exists(membership))


def incident_for(
    user: User,
    reference: str,
    queryset: Callable[[QuerySet[Incident]], QuerySet[Incident]] | None = None,
) -> Incident:
    """The incident by reference if the user may see it, else Http404. `queryset` may add
    select_related/prefetch_related for the page that asked."""
    incidents = visible_incidents(user).filter(reference=reference)
    incident = (queryset(incidents) if queryset else incidents).first()
    if incident is None:
        raise Http404("No such incident.")
    return incident


def can_view_incident_id(user: User, incident_id: int) -> bool:
    return visible_incidents(user).filter(pk=incident_id).exists()


def require_response_writer(user: User, incident: Incident) -> None:
    """Raise PermissionDenied unless the user may change this (visible) incident."""
    if not may(user, Ability.WRITE_RESPONSE):
        raise PermissionDenied("Your role is read-only for incident response.")
