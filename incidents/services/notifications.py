"""A person's notifications: marking them read."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from incidents.models import Notification


def mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
