"""Four-eyes: a status one person asks for, with a written justification, that takes effect
only when a second person confirms it (services/confirmations.py)."""

from django.conf import settings
from django.db import models


class ConfirmationState(models.TextChoices):
    ASKED = "asked", "Waiting for a second person"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    # The status it confirmed was later changed: it no longer backs anything.
    LAPSED = "lapsed", "No longer in force"


class Confirmation(models.Model):
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="confirmations"
    )
    # One of these: what the status is asked for.
    exposure = models.ForeignKey(
        "incidents.Exposure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rotation = models.ForeignKey(
        "incidents.RotationTask", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    wanted = models.CharField(max_length=20)  # "ruled_out" or "verified"
    justification = models.TextField(max_length=5000)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        max_length=10, choices=ConfirmationState.choices, default=ConfirmationState.ASKED
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["asked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(exposure__isnull=False, rotation=None)
                    | models.Q(exposure=None, rotation__isnull=False)
                ),
                name="confirmation_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.wanted} asked by {self.asked_by_id} ({self.state})"
