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

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} on {self.incident_id}"
