"""What a person should look at: a step or incident given to them, a notice waiting for
their approval or theirs approved, sent or failed, a mention, a deadline nearing or missed."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """Something a person should look at, linking to the thing (`path`, opened through the
    access gate like any page)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    path = models.CharField(max_length=300, blank=True, default="")  # "" = the incident page
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)  # told by mail (once)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text
