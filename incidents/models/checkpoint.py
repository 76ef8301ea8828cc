"""Signed checkpoints of the audit trail (services/checkpoints.py): each one a Merkle root
over every chain's head, signed with a key the database never holds, chained to the one
before. Append-only, like the events they vouch for."""

from django.db import models


class AuditCheckpoint(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    made_at = models.DateTimeField()
    tree_size = models.PositiveBigIntegerField()
    root = models.CharField(max_length=64)
    # SHA-256 of the previous checkpoint's signed body ("" for the first).
    previous = models.CharField(max_length=64, blank=True)
    key_fingerprint = models.CharField(max_length=64)
    public_key = models.CharField(max_length=64)  # hex, raw Ed25519
    # Exactly the bytes signed (canonical JSON of the fields above and any key announced).
    body = models.TextField()
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"checkpoint {self.seq} ({self.tree_size} chains)"


class CheckpointHead(models.Model):
    """A chain's head as a checkpoint saw it, kept for the chains that moved since the
    checkpoint before (the tree of checkpoint N is, per chain, its latest row up to N)."""

    checkpoint = models.ForeignKey(AuditCheckpoint, on_delete=models.PROTECT, related_name="+")
    chain = models.CharField(max_length=40)  # an incident's reference, or "security-log"
    seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["chain", "checkpoint"])]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "chain"], name="checkpoint_head_once")
        ]

    def __str__(self) -> str:
        return f"{self.chain}@{self.seq} in checkpoint {self.checkpoint_id}"


class AuditVerification(models.Model):
    """One run of the whole verification (every chain walked, then the checkpoints), by the
    beat or asked for on the Audit page; its progress while it runs, its result after."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    chains_total = models.PositiveIntegerField(default=0)
    chains_done = models.PositiveIntegerField(default=0)
    events = models.PositiveBigIntegerField(default=0)
    intact = models.BooleanField(null=True)
    checkpoint_seq = models.PositiveBigIntegerField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"audit verification {self.pk}: {self.state}"

    @property
    def percent(self) -> int:
        return int(100 * self.chains_done / self.chains_total) if self.chains_total else 0

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class WitnessReceipt(models.Model):
    """A checkpoint handed to an outside witness (services/witnesses.py), and what it
    answered: once a witness holds the digest, the database and the key holder together
    can no longer rewrite what it signed unseen."""

    checkpoint = models.ForeignKey(AuditCheckpoint, on_delete=models.PROTECT, related_name="+")
    witness = models.CharField(max_length=300)  # "mail:audit@regulator.example", "https:..."
    sent_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    receipt = models.TextField(blank=True)  # what the witness answered, as it answered
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness"], name="witness_once")
        ]

    def __str__(self) -> str:
        return f"checkpoint {self.checkpoint_id} to {self.witness}"
