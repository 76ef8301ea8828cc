"""Notifications by mail, as each person chose (models.EmailNotifications): each one as it
happens, an hourly digest, or none. A mail carries a one-line subject naming the incident's
reference and a link, never the breach's details: mail leaves the system's access gate.
Each notification is mailed at most once (`emailed_at`, claimed before sending; given
back if the mail server refused, so the next try sends it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from incidents.models import EmailNotifications, Notification, UserProfile


def preference(user: Any) -> str:
    chosen = UserProfile.objects.filter(user=user).values_list("email_notifications", flat=True)
    return str(chosen.first() or EmailNotifications.IMMEDIATELY)


def wants_each(user: Any) -> bool:
    return bool(user.email) and preference(user) == EmailNotifications.IMMEDIATELY


def _settings_link() -> str:
    return f"{settings.PUBLIC_URL}{reverse('profile')}"


def mail_one(notification_id: int) -> bool:
    """Mail one notification to its person if they want each one and have not read it."""
    from incidents.access import visible_incidents

    note = Notification.objects.select_related("user", "incident").get(pk=notification_id)
    user = note.user
    if note.read_at is not None or not wants_each(user):
        return False
    if not visible_incidents(user).filter(pk=note.incident_id).exists():
        return False  # access withdrawn since: not even the reference
    if not _claim(Notification.objects.filter(pk=note.pk)):
        return False
    path = note.path or reverse("incidents:detail", args=[note.incident.reference])
    link = f"{settings.PUBLIC_URL}{path}"
    try:
        send_mail(
            f"[Breachroom] Something needs you on {note.incident.reference}",
            f"Open it in Breachroom:\n{link}\n\nHow Breachroom mails you: {_settings_link()}\n",
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except Exception:
        Notification.objects.filter(pk=note.pk).update(emailed_at=None)
        raise
    return True


def mail_digests() -> int:
    """One mail per person who chose the hourly digest and has unread notifications not
    mailed yet; returns how many mails went."""
    from django.contrib.auth import get_user_model

    hourly = UserProfile.objects.filter(email_notifications=EmailNotifications.HOURLY).values_list(
        "user_id", flat=True
    )
    waiting = (
        get_user_model()
        .objects.filter(pk__in=hourly, is_active=True)
        .exclude(email="")
        .annotate(
            n=Count(
                "notifications",
                filter=Q(
                    notifications__read_at__isnull=True,
                    notifications__emailed_at__isnull=True,
                ),
            )
        )
        .filter(n__gt=0)
    )
    sent = 0
    for user in waiting:
        unsent = Notification.objects.filter(
            user=user, read_at__isnull=True, emailed_at__isnull=True
        )
        claimed = list(unsent.values_list("pk", flat=True))
        if not _claim(Notification.objects.filter(pk__in=claimed)):
            continue
        count = len(claimed)
        try:
            send_mail(
                f"[Breachroom] {count} thing{'s' * (count != 1)} need{'s' * (count == 1)} you",
                f"Open them in Breachroom:\n{settings.PUBLIC_URL}{reverse('notifications')}\n\n"
                f"How Breachroom mails you: {_settings_link()}\n",
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
        except Exception:
            Notification.objects.filter(pk__in=claimed).update(emailed_at=None)
            raise
        sent += 1
    return sent


def _claim(notes: Any) -> int:
    return int(notes.filter(emailed_at__isnull=True).update(emailed_at=timezone.now()))
