"""A person's notifications: raising one, marking them read."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from incidents.models import Notification


def notify(*, user: Any, incident: Any, text: str) -> Notification:
    """Something for `user` to look at about `incident` (the text is cut to fit)."""
    return Notification.objects.create(user=user, incident=incident, text=text[:300])


def mark_all_read(*, user: Any) -> int:
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return marked
