"""What data leaked on an incident: one row per data category, with its status and counts."""

from django.conf import settings
from django.db import models


class ExposureStatus(models.TextChoices):
    SUSPECTED = "suspected", "Suspected"
    CONFIRMED = "confirmed", "Confirmed"
    RULED_OUT = "ruled_out", "Ruled out"


class Protection(models.TextChoices):
    """How the exposed data was protected: what decides whether it is intelligible."""

    UNKNOWN = "unknown", "Not known"
    NONE = "none", "Not protected"
    ENCRYPTED_KEY_SAFE = "encrypted_key_safe", "Encrypted, key not compromised"
    ENCRYPTED_KEY_COMPROMISED = "encrypted_key_compromised", "Encrypted, key compromised"
    HASHED_SALTED = "hashed_salted", "Hashed with salt (or keyed), key not compromised"
    PSEUDONYMISED = "pseudonymised", "Pseudonymised"


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
    protection = models.CharField(
        max_length=30, choices=Protection.choices, default=Protection.UNKNOWN
    )
    already_public = models.BooleanField(
        default=False, help_text="The data was already public before the breach."
    )
    # What happened to the data (GDPR Art. 4(12)): read or taken by someone not authorised,
    # made unavailable (lost, destroyed, encrypted by ransomware), or altered.
    disclosed = models.BooleanField(default=True)
    unavailable = models.BooleanField(default=False)
    altered = models.BooleanField(default=False)
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

    @property
    def effects(self) -> frozenset[str]:
        """confidentiality / availability / integrity: what this exposure cost."""
        return effects_of(
            disclosed=self.disclosed, unavailable=self.unavailable, altered=self.altered
        )

    @property
    def split_unknown(self) -> list[str]:
        """Jurisdictions recorded without their number of people."""
        counts = self.people_by_jurisdiction or {}
        return [code for code in self.jurisdictions if code not in counts]


def effects_of(*, disclosed: bool, unavailable: bool, altered: bool) -> frozenset[str]:
    pairs = (("confidentiality", disclosed), ("availability", unavailable), ("integrity", altered))
    return frozenset(name for name, lost in pairs if lost)
