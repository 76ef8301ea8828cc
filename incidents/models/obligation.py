"""Notification duties an incident owes, as records: computed from the rules, then met,
waived or lapsed by people. The rule's words are copied in so the record still reads right
after a rule file changes."""

from datetime import datetime

from django.conf import settings
from django.db import models


class ObligationState(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    WAIVED = "waived", "Waived"
    LAPSED = "lapsed", "No longer applies"


class Obligation(models.Model):
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="obligations"
    )
    rule_id = models.CharField(max_length=80)
    name = models.CharField(max_length=200)
    jurisdiction = models.CharField(max_length=10)
    notify = models.CharField(max_length=20)
    source = models.CharField(max_length=200)
    rule_checked = models.DateField()
    why = models.TextField()
    people = models.PositiveBigIntegerField(default=0)
    deadline = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=8, choices=ObligationState.choices, default=ObligationState.OPEN
    )
    # How it was met: the sent notice, or a filing made outside Breachroom.
    met_at = models.DateTimeField(null=True, blank=True)
    met_notice = models.ForeignKey(
        "incidents.Notice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filing_reference = models.CharField(max_length=120, blank=True)
    waiver_reason = models.TextField(blank=True, max_length=2000)
    late_reason = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Reminders already raised for the current deadline (reset when the deadline moves).
    warned_24h_at = models.DateTimeField(null=True, blank=True)
    warned_6h_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "rule_id"], name="obligation_one_per_rule")
        ]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.rule_id} on {self.incident_id}: {self.state}"

    def status_at(self, now: datetime) -> str:
        """met | met late | waived | due | missed (as the pack, register and pages say it)."""
        if self.state == ObligationState.MET:
            return "met late" if self.late else "met"
        if self.state == ObligationState.WAIVED:
            return "waived"
        return "missed" if self.deadline and self.deadline < now else "due"

    @property
    def late(self) -> bool:
        """Met after the deadline (a late filing needs its reasons for delay)."""
        return bool(self.deadline and self.met_at and self.met_at > self.deadline)
