"""The unread badge, live: a nudge to a person's own group when their notifications change,
and the badge drawn again for them, behind the access gate, when the nudge arrives.

The nudge goes through the channel layer from whichever process raised the notification
(web or worker). With Redis that reaches every web process; in the embedded default a
worker's in-memory layer is its own, so there the page's 30-second poll of the badge
(templates/incidents/notification_badge.html) is what brings a worker's reminders. The
poll stays everywhere as the fallback for a layer that is away.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string

from incidents.access import Ability, may
from incidents.realtime.groups import BADGE_MESSAGE, person_group
from incidents.selectors.mitigation import unread_notifications

log = logging.getLogger(__name__)


def nudge(user_id: int) -> None:
    """Tell this person's open pages that their unread count changed. Never fails the
    change that caused it: a layer that is away leaves the badge to its poll."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(person_group(user_id), dict(BADGE_MESSAGE))
    except Exception:
        log.warning("could not nudge the badge of user %s; its poll will catch up", user_id)


def badge_for(user_id: int) -> str | None:
    """The badge as this person's nav shows it, read now; None if they may no longer use
    Breachroom (deactivated, or every role taken away): the socket is then closed."""
    user: Any = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not may(user, Ability.USE):
        return None
    return render_to_string(
        "incidents/notification_badge.html",
        {"unread_notifications": unread_notifications(user)},
    )
