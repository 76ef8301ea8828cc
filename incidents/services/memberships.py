"""Who is a member of an incident (what decides who sees a restricted one): each change an
event on the incident's chain."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from incidents.models import Incident
from incidents.services import ServiceError
from incidents.services.events import append_event
from incidents.services.locking import lock_incident


def set_member(*, incident: Incident, user: Any, member: bool, by: Any) -> bool:
    """Add or remove `user`; returns whether anything changed."""
    if not user.is_active:
        raise ServiceError(f"{user.get_username()} is deactivated.")
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        present = locked.members.filter(pk=user.pk).exists()
        if present == member:
            return False
        if member:
            locked.members.add(user)
        else:
            locked.members.remove(user)
        append_event(
            incident=locked,
            verb="incident.member_added" if member else "incident.member_removed",
            actor=by,
            after={"member": user.get_username()},
        )
    return True
