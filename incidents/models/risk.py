"""Risk assessments of an incident, ENISA personal data breach severity method.

SE = DPC × EI + CB. Every version is kept; the latest one drives the obligations."""

from decimal import Decimal

from django.conf import settings
from django.db import models


class Recipients(models.TextChoices):
    """Who received or could read the data (ENISA Annex 3 A1; EDPB 01/2021)."""

    UNKNOWN = "unknown", "Unknown: an unknown number of people could read it"
    MALICIOUS = "malicious", "A malicious actor (attacker, thief)"
    KNOWN_UNTRUSTED = "known_untrusted", "Known recipients, not bound to confidentiality"
    KNOWN_TRUSTED = (
        "known_trusted",
        "A known recipient bound to confidentiality who confirmed deletion",
    )
    NONE_KNOWN = "none_known", "No evidence anyone read it (e.g. a lost device)"
    NOT_DISCLOSED = (
        "not_disclosed",
        "Nobody: the data did not leave (availability or integrity only)",
    )


class Backup(models.TextChoices):
    NOT_RELEVANT = "", "Not relevant (nothing was lost or altered)"
    RESTORED = "restored", "A working backup restored the data"
    NONE = "none", "No working backup: the data cannot be restored"


class Measures(models.TextChoices):
    NONE = "", "None that change the risk"
    REDUCE = "reduce", "They reduce the likelihood of harm"
    REMOVE_HIGH_RISK = (
        "remove_high_risk",
        "They ensure a high risk is no longer likely (Art. 34(3)(b))",
    )


class RiskAssessment(models.Model):
    """One version of the assessment, with the rationale for each factor."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="risk_assessments"
    )
    version = models.PositiveIntegerField()
    dpc = models.DecimalField("data processing context", max_digits=3, decimal_places=2)
    dpc_rationale = models.TextField(max_length=2000)
    ei = models.DecimalField("ease of identification", max_digits=3, decimal_places=2)
    ei_rationale = models.TextField(max_length=2000)
    confidentiality = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0"))
    integrity = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0"))
    availability = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0"))
    malicious = models.BooleanField(default=False)
    cb_rationale = models.TextField(max_length=2000)
    score = models.DecimalField(max_digits=4, decimal_places=2)
    # The ENISA band of the score; `level` is the assessor's conclusion, which may differ
    # only with `level_rationale` (ENISA 2013 §4.1.1: the controller may state the
    # "correct" level with its arguments).
    computed_level = models.CharField(max_length=10, blank=True)
    level = models.CharField(max_length=10)
    level_rationale = models.TextField(max_length=2000, blank=True)
    # The circumstances the ENISA and EDPB texts weigh, as recorded by the assessor.
    recipients = models.CharField(max_length=20, choices=Recipients.choices, blank=True)
    backup = models.CharField(max_length=10, choices=Backup.choices, blank=True)
    unavailable_hours = models.PositiveIntegerField(null=True, blank=True)
    measures = models.CharField(max_length=20, choices=Measures.choices, blank=True)
    measures_text = models.TextField(max_length=2000, blank=True)
    # What the record said when this version was made, the suggestion drawn from it and the
    # reasons in words: so a later reader sees what the assessor saw.
    record_facts = models.JSONField(default=dict, blank=True)
    suggestion = models.JSONField(default=dict, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incident", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "version"], name="risk_version_unique")
        ]

    def __str__(self) -> str:
        return f"risk v{self.version} of {self.incident_id}: {self.level} ({self.score})"

    @property
    def formula(self) -> str:
        """'SE = 3 × 0.75 + 0.5 + 0 + 0 + 0.5 = 3.25', every term shown."""
        from incidents.regulation.severity import formula

        return formula(
            self.dpc,
            self.ei,
            self.confidentiality,
            self.integrity,
            self.availability,
            self.malicious,
        )

    @property
    def moved(self) -> bool:
        """The assessor's level differs from the ENISA band of the score."""
        return bool(self.computed_level) and self.computed_level != self.level
