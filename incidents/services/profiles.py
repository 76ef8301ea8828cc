"""A person's own settings (not incident data: no incident event)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from incidents.models import EmailNotifications, UserProfile
from incidents.services import ServiceError
from incidents.user_zone import SESSION_KEY, parse_zone


def set_time_zone(*, user: Any, zone: str, session: Any = None) -> UserProfile:
    """Choose the zone times are shown in ('' to follow the browser). `session`, the
    current one, takes effect at once; the others at their next sign-in."""
    zone = zone.strip()
    if zone and parse_zone(zone) is None:
        raise ServiceError(f"“{zone[:64]}” is not a time zone name such as Europe/Berlin.")
    with transaction.atomic():
        profile, _ = UserProfile.objects.select_for_update().get_or_create(user=user)
        if profile.time_zone != zone:
            profile.time_zone = zone
            profile.save(update_fields=["time_zone", "updated_at"])
    if session is not None:
        remember_in_session(session, zone)
    return profile


def remember_in_session(session: Any, zone: str) -> None:
    if zone:
        session[SESSION_KEY] = zone
    else:
        session.pop(SESSION_KEY, None)


def chosen_zone(user: Any) -> str:
    return str(
        UserProfile.objects.filter(user=user).values_list("time_zone", flat=True).first() or ""
    )


def set_email_notifications(*, user: Any, choice: str) -> UserProfile:
    """How notifications reach the person's mail: each, an hourly digest, or none."""
    if choice not in EmailNotifications.values:
        raise ServiceError(f"Unknown choice {choice[:20]!r}.")
    with transaction.atomic():
        profile, _ = UserProfile.objects.select_for_update().get_or_create(user=user)
        if profile.email_notifications != choice:
            profile.email_notifications = choice
            profile.save(update_fields=["email_notifications", "updated_at"])
    return profile
