"""The append-only, hash-chained log of every response step (see DESIGN "The spine")."""

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64


class Event(models.Model):
    """One response step on one incident. Never updated or deleted (a PostgreSQL trigger
    refuses both); `hash` is SHA-256 over the canonical form of this row and `prev_hash`."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="events"
    )
    seq = models.PositiveIntegerField()
    occurred_at = models.DateTimeField()
    # PROTECT: deleting a user would rewrite history; deactivate them instead.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    verb = models.CharField(max_length=64)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # The HTTP request or task run it came from, shared by every event of that one action,
    # and how its actor signed in (password, mfa, sso, session, worker). Covered by the hash
    # when present (services/hashing.py); None on events from before they were recorded,
    # and from scripts, which claim neither.
    request_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    auth_method = models.CharField(max_length=16, null=True, blank=True)  # noqa: DJ001

    class Meta:
        ordering = ["incident_id", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "seq"], name="event_unique_seq_per_incident"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}#{self.seq} {self.verb}"


# The PostgreSQL NOTIFY channel an appended event wakes the relay on (services/events.py,
# realtime/relay_lock.py).
OUTBOX_CHANNEL = "breachroom_outbox"


class EventOutbox(models.Model):
    """Events committed but not yet handed to the channel layer. Written in the event's own
    transaction and deleted by the relay once published, so no commit order can hide one."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="+")
    incident_id = models.BigIntegerField()
    seq = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"outbox {self.incident_id}#{self.seq}"
