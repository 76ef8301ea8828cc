"""Playbooks (versioned templates) and the checklists they create on incidents."""

from django.conf import settings
from django.db import models


class Playbook(models.Model):
    """One version of a playbook; a new version is a new row with the same slug."""

    slug = models.SlugField(max_length=80)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who saved this version in the app (services/playbooks.py); none for seeded ones.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="playbook_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class PlaybookItem(models.Model):
    """A step of a playbook: manual, or automated with a check kind and its parameters."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=60)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    role = models.CharField(max_length=40, blank=True)
    due_after_hours = models.PositiveIntegerField(null=True, blank=True)
    depends_on = models.JSONField(default=list, blank=True)
    check_kind = models.CharField(max_length=40, blank=True)
    check_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["playbook", "position"]
        constraints = [
            models.UniqueConstraint(fields=["playbook", "key"], name="playbook_item_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.playbook_id}:{self.key}"


class ItemState(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    BLOCKED = "blocked", "Blocked"
    SKIPPED = "skipped", "Skipped"


ITEM_FINISHED = (ItemState.DONE, ItemState.SKIPPED)


class ChecklistItem(models.Model):
    """A step on an incident's checklist, copied from the playbook version it came from."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="checklist"
    )
    playbook = models.ForeignKey(
        Playbook, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    key = models.SlugField(max_length=60)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    role = models.CharField(max_length=40, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=ItemState.choices, default=ItemState.TODO)
    skip_reason = models.TextField(blank=True, max_length=2000)
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, related_name="dependents", blank=True
    )
    check_kind = models.CharField(max_length=40, blank=True)
    check_params = models.JSONField(default=dict, blank=True)
    rerun_every_minutes = models.PositiveIntegerField(null=True, blank=True)
    last_outcome = models.CharField(max_length=8, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    due_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["incident", "position"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "key"], name="checklist_item_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.key} {self.state}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"
    ERROR = "error", "Error"


RUN_FINISHED = (RunStatus.PASS, RunStatus.FAIL, RunStatus.ERROR)


class CheckRun(models.Model):
    """One run of an automated check. Claimed with a conditional UPDATE and finished once,
    so a duplicate or redelivered task never records two results."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="check_runs"
    )
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    rotation = models.ForeignKey(
        "incidents.RotationTask",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="runs",
    )
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    evidence = models.JSONField(default=dict, blank=True)
    # The outcome in a sentence ("got 200 from …"): shown on the step, so a failure says
    # why where it is seen, not only in the timeline. Nullable: adding it so keeps SQLite
    # from rebuilding the table, which would drop its revision triggers (migration 0019).
    summary = models.TextField(null=True, blank=True, max_length=500)  # noqa: DJ001
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds by the worker running it (services/check_runs.py): a run
    # whose heartbeat stopped was lost with its worker and is queued again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at"]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self) -> str:
        return f"run {self.pk} {self.kind} {self.status}"


class StepNote(models.Model):
    """A note on one checklist step (what was tried, why it is blocked), shown under the
    step; never edited, like an incident's notes, so the event log's copy is the story."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="step_notes"
    )
    step = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["step", "created_at", "pk"]

    def __str__(self) -> str:
        return f"note {self.pk} on step {self.step_id}"
