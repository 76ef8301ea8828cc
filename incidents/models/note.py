"""Free-text notes on an incident (Markdown, sanitised when shown)."""

from django.conf import settings
from django.db import models


class Note(models.Model):
    """A responder's note; never edited, so the event log's copy stays the whole story."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=20_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.incident_id}"
