"""A person's notifications: marking them read."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from incidents import viewer_cache
from incidents.models import Notification


def mark_all_read(*, user: Any) -> int:
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    viewer_cache.forget_unread(user.pk)  # a bulk update sends no signal
    return marked
