"""A person's notifications: raising one (only to someone who may see the incident, never
to whoever did the thing), the @mentions in a note, marking them read."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from incidents.models import Notification
from incidents.services.notification_mail import wants_each

# @sam, @dana.k, @ana-maria: a username as Django allows it, after a space or the start.
MENTION = re.compile(r"(?:(?<=\s)|^)@([\w.+-]{1,150})", re.UNICODE)


def notify(
    *, user: Any, incident: Any, text: str, path: str = "", by: Any = None
) -> Notification | None:
    """Something for `user` to look at about `incident` (the text is cut to fit). Nothing
    for nobody, for the person who did it, or for someone who may not see the incident."""
    from incidents.access import visible_incidents

    if user is None or (by is not None and getattr(by, "pk", None) == user.pk):
        return None
    if not visible_incidents(user).filter(pk=incident.pk).exists():
        return None
    note = Notification.objects.create(user=user, incident=incident, text=text[:300], path=path)
    if wants_each(user):  # mailed once the change that raised it is committed
        transaction.on_commit(partial(_mail_later, note.pk))
    transaction.on_commit(partial(_nudge_badge, user.pk))
    return note


def _nudge_badge(user_id: int) -> None:
    from incidents.realtime.badge import nudge

    nudge(user_id)


def _mail_later(notification_id: int) -> None:
    from incidents import tasks  # tasks import services

    tasks.mail_notification.delay(notification_id)


def incident_path(incident: Any, anchor: str = "") -> str:
    return reverse("incidents:detail", args=[incident.reference]) + anchor


def notice_path(incident: Any, notice_id: int) -> str:
    return reverse("incidents:notice", args=[incident.reference, notice_id])


def mentions(body: str) -> list[str]:
    return list(dict.fromkeys(m.group(1).rstrip(".") for m in MENTION.finditer(body)))


def notify_mentions(*, incident: Any, body: str, by: Any, anchor: str = "") -> list[str]:
    """Tell each person @mentioned who may see the incident; returns the names that reached
    nobody (no such person, or one who may not see it), for the author to be told."""
    users = {
        u.get_username(): u
        for u in get_user_model().objects.filter(username__in=mentions(body), is_active=True)
    }
    missed = []
    for name in mentions(body):
        person = users.get(name)
        told = person is not None and (
            person.pk == getattr(by, "pk", None)
            or notify(
                user=person,
                incident=incident,
                text=f"{by} mentioned you on {incident.reference}",
                path=incident_path(incident, anchor),
                by=by,
            )
        )
        if not told:
            missed.append(name)
    return missed


def mark_all_read(*, user: Any) -> int:
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:  # the person's other open pages drop their badge too
        transaction.on_commit(partial(_nudge_badge, user.pk))
    return marked
