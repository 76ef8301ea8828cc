"""Credentials in scope and the tasks that rotate them. Breachroom never stores a secret:
only a non-secret identifier (fingerprint or last characters)."""

from django.conf import settings
from django.db import models


class CredentialKind(models.TextChoices):
    API_KEY = "api_key", "API key"
    SERVICE_ACCOUNT = "service_account", "Service account"
    DATABASE_PASSWORD = "database_password", "Database password"
    TLS_CERTIFICATE = "tls_certificate", "TLS certificate"
    SSH_KEY = "ssh_key", "SSH key"
    OAUTH_CLIENT_SECRET = "oauth_client_secret", "OAuth client secret"


class Credential(models.Model):
    """One credential in the inventory, identified without its secret."""

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=24, choices=CredentialKind.choices)
    system = models.ForeignKey(
        "incidents.System", on_delete=models.PROTECT, related_name="credentials"
    )
    owner = models.CharField(max_length=120, blank=True)
    environment = models.CharField(max_length=40, default="production")
    identifier = models.CharField(
        max_length=100, help_text="Fingerprint or last 4 characters; never the secret itself."
    )
    last_rotated_at = models.DateTimeField(null=True, blank=True)
    # The identifier before the latest rotation that named a new one (services/rotations.py).
    # Nullable so adding it does not make SQLite rebuild the table (and drop its revision
    # triggers, migration 0019).
    previous_identifier = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    tags = models.ManyToManyField("incidents.Tag", related_name="credentials", blank=True)

    class Meta:
        ordering = ["system__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "name", "environment"], name="credential_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.system_id}, {self.environment})"


class RotationState(models.TextChoices):
    PENDING = "pending", "Pending"
    ROTATED = "rotated", "Rotated"
    REVOKED = "revoked", "Old revoked"
    VERIFIED = "verified", "Verified dead"
    EXEMPTED = "exempted", "Exempted"


ROTATION_FLOW = {
    RotationState.PENDING: (RotationState.ROTATED, RotationState.EXEMPTED),
    RotationState.ROTATED: (RotationState.REVOKED, RotationState.EXEMPTED),
    RotationState.REVOKED: (RotationState.VERIFIED, RotationState.EXEMPTED),
    RotationState.VERIFIED: (),
    RotationState.EXEMPTED: (RotationState.PENDING,),
}
ROTATION_DONE = (RotationState.VERIFIED, RotationState.EXEMPTED)


class RotationTask(models.Model):
    """Rotate one credential for one incident, down to 'old key verified dead'.

    The probe presents the old credential named by `probe_secret_env`, a ProbeSecret an
    admin registered; the value never reaches the DB."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="rotations"
    )
    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="rotations")
    state = models.CharField(
        max_length=10, choices=RotationState.choices, default=RotationState.PENDING
    )
    new_identifier = models.CharField(max_length=100, blank=True)
    # The credential's identifier when this task rotated it (the inventory then shows the
    # new one); nullable for the same reason as Credential.previous_identifier.
    old_identifier = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    exemption_reason = models.TextField(blank=True, max_length=2000)
    due_at = models.DateTimeField(null=True, blank=True)
    probe_url = models.URLField(blank=True, max_length=500)
    probe_header = models.CharField(max_length=100, blank=True, default="Authorization")
    probe_secret_env = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    due_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["credential__system__name", "credential__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "credential"], name="rotation_once_per_incident"
            )
        ]
        indexes = [models.Index(fields=["incident", "state"])]

    def __str__(self) -> str:
        return f"rotate {self.credential_id} for {self.incident_id}: {self.state}"


class ProbeSecret(models.Model):
    """A reference to an old credential a rotation probe may present, registered by an
    admin and picked from a list by whoever sets up the probe. The value never enters the
    database: the worker reads it at probe time from the file of this name in
    PROBE_SECRETS_DIR, or else from its environment variable of this name
    (checks/old_credential.py), so registering a new one and placing its file needs no
    restart."""

    name = models.CharField(max_length=100, unique=True)  # an environment-variable shape
    description = models.CharField(max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
