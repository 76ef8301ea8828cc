"""The incident: the unit of response that every other record hangs from."""

from django.conf import settings
from django.db import models

from incidents.models.lifecycle import CLOSED_STATES, Status


class Severity(models.TextChoices):
    SEV1 = "sev1", "SEV1 critical"
    SEV2 = "sev2", "SEV2 high"
    SEV3 = "sev3", "SEV3 moderate"
    SEV4 = "sev4", "SEV4 low"


SEVERITY_MEANING = {
    Severity.SEV1: (
        "Confirmed exposure of personal data or secrets at scale; all hands, "
        "regulators' clocks running."
    ),
    Severity.SEV2: "Likely exposure or a critical system compromised; dedicated team now.",
    Severity.SEV3: "Limited exposure or a contained compromise; handle within the working day.",
    Severity.SEV4: "Suspicious activity with no exposure found yet; track and review.",
}


class DataRole(models.TextChoices):
    """The organisation's role for the processing the breach touched (GDPR Art. 4(7), (8))."""

    UNKNOWN = "", "Not recorded"
    CONTROLLER = "controller", "Controller"
    PROCESSOR = "processor", "Processor (on behalf of a controller)"


class Incident(models.Model):
    """A security incident under response, e.g. INC-2026-0001.

    `event_seq` and `head_hash` anchor the end of its event chain, so a deleted tail is
    as visible to `verify_audit` as an altered row. Both change only through
    services.events.append_event, under this row's lock.
    """

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, max_length=20_000)
    severity = models.CharField(max_length=4, choices=Severity.choices, default=Severity.SEV3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    restricted = models.BooleanField(
        default=False, help_text="Only members (and admins) can see a restricted incident."
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="incident_memberships", blank=True
    )
    commander = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commanded_incidents",
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assigned_incidents", blank=True
    )
    tags = models.ManyToManyField("incidents.Tag", related_name="incidents", blank=True)
    breach_vector = models.ForeignKey(
        "incidents.BreachVector", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    affected_systems = models.ManyToManyField(
        "incidents.System", related_name="incidents", blank=True
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    resolution = models.TextField(blank=True, max_length=5000)
    data_role = models.CharField(
        max_length=12, choices=DataRole.choices, default=DataRole.UNKNOWN, blank=True
    )
    # As a processor: the controller to tell (GDPR Art. 33(2)), from the partner directory.
    controller = models.ForeignKey(
        "incidents.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Key times, UTC; KEY_TIMES gives their required order.
    began_at = models.DateTimeField(
        null=True, blank=True, help_text="When the breach began (how long it ran)."
    )
    detected_at = models.DateTimeField(null=True, blank=True)
    # True while "detected" is the time Breachroom filled in at opening (when it became
    # aware, or the moment it was opened), not one a person entered: an earlier "became
    # aware" then moves it along instead of being refused. Null for incidents opened
    # before this was kept (taken as entered). Nullable so SQLite keeps its triggers.
    detected_assumed = models.BooleanField(null=True, editable=False)
    aware_at = models.DateTimeField(
        null=True, blank=True, help_text="When the team became aware: starts regulators' clocks."
    )
    contained_at = models.DateTimeField(null=True, blank=True)
    eradicated_at = models.DateTimeField(null=True, blank=True)
    recovered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The secret reference (services/probe_secrets.py) whose value is the incident's chat
    # webhook URL; set by its commanders (services/chat.py). Nullable: adding a NOT NULL
    # column makes SQLite rebuild the table and drop its triggers.
    chat_webhook = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    # The earliest deadline among its open notification duties, kept by the database (a
    # trigger on the duties' table, migration 0036) whoever writes them, so the list can
    # sort 100,000 incidents by it. Not shown on the incident page (no revision moves).
    next_duty_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Lower-cased reference, title and summary: what search matches (see selectors.search).
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    event_seq = models.PositiveIntegerField(default=0, editable=False)
    head_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["severity", "-created_at"]),
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["next_duty_at", "id"], name="incident_next_duty"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATES

    @property
    def severity_meaning(self) -> str:
        return SEVERITY_MEANING.get(Severity(self.severity), "")


KEY_TIMES = (
    "began_at",
    "detected_at",
    "aware_at",
    "contained_at",
    "eradicated_at",
    "recovered_at",
    "closed_at",
)


class ReferenceCounter(models.Model):
    """Last reference number issued per year, so INC-YYYY-NNNN never repeats."""

    year = models.PositiveIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
