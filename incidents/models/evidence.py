"""Evidence: files kept for an incident, content-addressed, each upload and download on the
incident's chain (services/evidence.py)."""

from django.conf import settings
from django.db import models


class EvidenceBlob(models.Model):
    """One file's bytes, stored once under its SHA-256 whoever uploads it how often."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    # Detected from the content (puremagic), never from the name the uploader gave.
    content_type = models.CharField(max_length=120)
    storage_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the bytes were removed (every use of them redacted): the row and its hash stay,
    # a tombstone saying what was held.
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.size} bytes)"


class EvidenceSource(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    CHECK = "check", "Produced by a check"
    EXPORT = "export", "Produced by Breachroom's export"


class Evidence(models.Model):
    """A file as given to one incident: its name, who gave it, when; never overwritten."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="evidence"
    )
    blob = models.ForeignKey(EvidenceBlob, on_delete=models.PROTECT, related_name="uses")
    filename = models.CharField(max_length=200)
    source = models.CharField(
        max_length=12, choices=EvidenceSource.choices, default=EvidenceSource.UPLOADED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Redacted by an admin, with the reason: no copy is given any more (services/evidence.py).
    redacted_at = models.DateTimeField(null=True, blank=True)
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    redaction_reason = models.TextField(blank=True, max_length=2000)
    # The check run whose proof this is (source "check"): its request, status and timings.
    check_run = models.ForeignKey(
        "incidents.CheckRun", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The malware scanner's word (evidence/scanning.py): None when no scanner is set up,
    # "clean", or the signature it found; a file found infected is quarantined, never served.
    scan_result = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    quarantined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} on {self.incident_id}"

    @property
    def usable(self) -> bool:
        """A copy may be given and the file may back a decision."""
        return self.redacted_at is None and self.quarantined_at is None


class EvidenceLink(models.Model):
    """One file linked to one thing on the record it bears on. Unlinking keeps the row
    (who, when), so what a decision rested on at any time stays readable."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="evidence_links"
    )
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="links")
    # Exactly one of these (the constraint below); services/evidence_links.py names them.
    exposure = models.ForeignKey(
        "incidents.Exposure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step = models.ForeignKey(
        "incidents.ChecklistItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rotation = models.ForeignKey(
        "incidents.RotationTask", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    obligation = models.ForeignKey(
        "incidents.Obligation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.ForeignKey(
        "incidents.Note", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)
    unlinked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unlinked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        exposure__isnull=False, step=None, rotation=None, obligation=None, note=None
                    )
                    | models.Q(
                        exposure=None, step__isnull=False, rotation=None, obligation=None, note=None
                    )
                    | models.Q(
                        exposure=None, step=None, rotation__isnull=False, obligation=None, note=None
                    )
                    | models.Q(
                        exposure=None, step=None, rotation=None, obligation__isnull=False, note=None
                    )
                    | models.Q(
                        exposure=None, step=None, rotation=None, obligation=None, note__isnull=False
                    )
                ),
                name="evidence_link_one_target",
            )
        ]
        indexes = [models.Index(fields=["incident", "unlinked_at"])]

    def __str__(self) -> str:
        return f"evidence {self.evidence_id} linked on {self.incident_id}"
