"""A person's own settings."""

from django.conf import settings
from django.db import models


class EmailNotifications(models.TextChoices):
    IMMEDIATELY = "immediately", "Each one, as it happens"
    HOURLY = "hourly", "An hourly digest"
    OFF = "off", "Never (the app only)"


class UserProfile(models.Model):
    """Settings a person chooses for themselves; created on first change."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="breachroom_profile"
    )
    # IANA name; empty: follow the browser's zone.
    time_zone = models.CharField(max_length=64, blank=True)
    # How notifications reach the person's mail: a one-line subject and a link, never the
    # breach's details (services/notification_mail.py).
    email_notifications = models.CharField(
        max_length=12, choices=EmailNotifications.choices, default=EmailNotifications.IMMEDIATELY
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"profile of {self.user_id}"
