"""What data leaked on an incident: one row per data category, with its status and counts."""

from django.conf import settings
from django.db import models


class ExposureStatus(models.TextChoices):
    SUSPECTED = "suspected", "Suspected"
    CONFIRMED = "confirmed", "Confirmed"
    RULED_OUT = "ruled_out", "Ruled out"


class Exposure(models.Model):
    """A data category's exposure on an incident. Counts are low-high estimates; a category
    is ruled out only with evidence. `version` guards against silent concurrent overwrites."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="exposures"
    )
    category = models.ForeignKey(
        "incidents.DataCategory", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=ExposureStatus.choices)
    records_low = models.PositiveBigIntegerField(null=True, blank=True)
    records_high = models.PositiveBigIntegerField(null=True, blank=True)
    people_low = models.PositiveBigIntegerField(null=True, blank=True)
    people_high = models.PositiveBigIntegerField(null=True, blank=True)
    jurisdictions = models.JSONField(default=list, blank=True)
    # People affected per jurisdiction code ({"US-CA": 600}); what notification rules count.
    people_by_jurisdiction = models.JSONField(default=dict, blank=True)
    encrypted = models.BooleanField(
        default=False, help_text="Exposed only in encrypted form, the key not exposed."
    )
    evidence = models.TextField(blank=True, max_length=5000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["category__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "category"], name="exposure_one_per_category"
            ),
        ]
        indexes = [models.Index(fields=["category", "status"])]

    def __str__(self) -> str:
        return f"{self.category_id} {self.status} on {self.incident_id}"
