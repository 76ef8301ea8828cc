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
    # The rule's trigger is met but the law itself excuses it on the recorded facts (e.g.
    # GDPR Art. 33: unlikely to result in a risk): kept, with its reasoning, for Art. 33(5).
    NOT_REQUIRED = "not_required", "Not required"
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
    # How the people were counted: "1,200", or "up to 70,000 (split by jurisdiction unknown)".
    people_text = models.CharField(max_length=200, blank=True)
    # Facts the decision lacks: the duty is presumed (provisional) until they are recorded.
    gaps = models.JSONField(default=list, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    # For a duty "without undue delay" with no fixed date: when its clock started.
    clock_started_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=12, choices=ObligationState.choices, default=ObligationState.OPEN
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
    # Who sees it through (files it, chases it); told when given it and reminded before
    # the deadline with the commander.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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
        """met | met late | waived | not required | due | missed (as the pack, register and
        pages say it)."""
        if self.state == ObligationState.MET:
            return "met late" if self.late else "met"
        if self.state == ObligationState.WAIVED:
            return "waived"
        if self.state == ObligationState.NOT_REQUIRED:
            return "not required"
        return "missed" if self.deadline and self.deadline < now else "due"

    @property
    def provisional(self) -> bool:
        return bool(self.gaps)

    @property
    def late(self) -> bool:
        """Met after the deadline (a late filing needs its reasons for delay)."""
        return bool(self.deadline and self.met_at and self.met_at > self.deadline)
