"""The security log: sign-ins, failures, lockouts, MFA changes, role and membership grants,
exports and downloads. Append-only and hash-chained like an incident's event log, with its
head kept in its own row so a removed tail shows."""

from django.conf import settings
from django.db import models

SECURITY_CHAIN = (
    "security-log"  # the chain's name in the hashed form (incidents use their reference)
)


class SecurityEvent(models.Model):
    """One security-relevant act. Never updated or deleted (a PostgreSQL trigger refuses
    both); `hash` is SHA-256 over the canonical form of this row and `prev_hash`."""

    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    verb = models.CharField(max_length=64)
    # The same shape as an incident event, so one canonical form hashes both.
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["verb", "-seq"])]

    def __str__(self) -> str:
        return f"security #{self.seq} {self.verb}"


class SecurityLogHead(models.Model):
    """The one row that anchors the end of the chain (locked while appending)."""

    seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"security log head at {self.seq}"
