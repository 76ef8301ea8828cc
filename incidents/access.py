"""The one access gate. Every view, websocket consumer and export asks here.

An incident the user may not see does not exist for them (404, close 4403), because its
existence is data too. Seeing is not changing: writes ask `require_response_writer`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from incidents.models import Incident
from incidents.roles import User, can_write_response, is_admin, roles_of


def visible_incidents(user: User) -> QuerySet[Incident]:
    """Incidents this user may see: none without a role; restricted ones only as member."""
    if not roles_of(user):
        return Incident.objects.none()
    if is_admin(user):
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
    if not can_write_response(user):
        raise PermissionDenied("Your role is read-only for incident response.")


def require_opener(user: User) -> None:
    if not can_write_response(user):
        raise PermissionDenied("Your role cannot open incidents.")
