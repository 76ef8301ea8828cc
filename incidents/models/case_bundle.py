"""An export of a whole case as one ZIP, built by a worker with its progress kept here
(services/case_bundles.py); the ZIP itself is kept as evidence Breachroom produced."""

from django.conf import settings
from django.db import models


class CaseBundle(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        BUILDING = "building", "Building"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="bundles"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # The ZIP, kept as evidence (source "export"): downloading it is a custody event.
    evidence = models.ForeignKey(
        "incidents.Evidence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When a worker last moved it: a build silent for long lost its worker (the sweeper).
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"case bundle {self.pk} of {self.incident_id}: {self.state}"

    @property
    def percent(self) -> int:
        return int(100 * self.files_done / self.files_total) if self.files_total else 0

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.BUILDING)
