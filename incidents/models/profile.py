"""A person's own settings."""

from django.conf import settings
from django.db import models


class UserProfile(models.Model):
    """Settings a person chooses for themselves; created on first change."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="breachroom_profile"
    )
    # IANA name; empty: follow the browser's zone.
    time_zone = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"profile of {self.user_id}"
