"""A large CSV import running as a background job, with its progress and its report."""

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        CREDENTIALS = "credentials", "Credentials"
        PARTNERS = "partners", "Partners"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        CHECKING = "checking", "Checking the rows"
        WRITING = "writing", "Writing"
        DONE = "done", "Done"
        REFUSED = "refused", "Refused: nothing imported"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    data = models.BinaryField()  # the uploaded file, emptied when the job ends
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [[line, reason], ...]
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When a worker last moved it (claimed it, checked a chunk) or the sweeper queued it
    # again: see services/import_jobs.py:sweep_stuck_imports.
    progress_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} import {self.pk}: {self.state}"

    @property
    def percent(self) -> int:
        return int(100 * self.checked / self.rows) if self.rows else 0
