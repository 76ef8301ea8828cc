"""Risk assessments of an incident, ENISA personal data breach severity method.

SE = DPC × EI + CB. Every version is kept; the latest one drives the obligations."""

from decimal import Decimal

from django.conf import settings
from django.db import models


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
    level = models.CharField(max_length=10)
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
