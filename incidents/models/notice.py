"""Partners, notice templates and the notices sent to them."""

from django.conf import settings
from django.db import models


class Audience(models.TextChoices):
    ADVERTISER = "advertiser", "Advertiser"
    CREATOR = "creator", "Creator"
    PAYMENT_PARTNER = "payment_partner", "Payment partner"
    AUTHORITY = "authority", "Data protection authority"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    CUSTOMERS = "customers", "Customers"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PORTAL = "portal", "Authority portal"
    POST = "post", "Post"


class Partner(models.Model):
    """An organisation that may have to be told: a partner, an authority, a group of people."""

    name = models.CharField(max_length=160, unique=True)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    jurisdictions = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=10, default="en")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    # Retired: kept with its history and its notices, offered for no new one.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["audience", "name"]

    def __str__(self) -> str:
        return self.name


class PartnerContact(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    role = models.CharField(max_length=120, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)  # no longer sent to

    class Meta:
        ordering = ["partner", "name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class NoticeTemplate(models.Model):
    """One version of a template for an audience, in the notice language (notices/language.py)."""

    name = models.CharField(max_length=160)
    version = models.PositiveIntegerField(default=1)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField(max_length=20_000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audience", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="notice_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class NoticeBatch(models.Model):
    """Drafts for many partners at once, made by a worker; done/total drive the progress bar."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="notice_batches"
    )
    template = models.ForeignKey(NoticeTemplate, on_delete=models.PROTECT, related_name="+")
    partner_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField()
    done = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last draft made (or the last time the sweeper queued it again): a batch with no
    # progress for a while was lost by the broker or its worker (services/notices.py).
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"batch {self.pk}: {self.done}/{self.total}"


class NoticeState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    SENT = "sent", "Sent"
    SEND_FAILED = "send_failed", "Send failed"


class Notice(models.Model):
    """A notice to one partner about one incident. Its source (subject, body) is the
    editable template text; once sent, the rendered text is frozen with its SHA-256."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="notices"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="notices")
    template = models.ForeignKey(
        NoticeTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField(max_length=20_000)
    state = models.CharField(max_length=12, choices=NoticeState.choices, default=NoticeState.DRAFT)
    stated_claims = models.JSONField(default=list, blank=True)
    stale_reasons = models.JSONField(default=dict, blank=True)
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rendered_subject = models.CharField(max_length=300, blank=True)
    rendered_body = models.TextField(blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Handed to the workers and not yet sent or failed: the sweeper's mark (services/notices.py).
    send_queued_at = models.DateTimeField(null=True, blank=True)
    send_error = models.TextField(blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        NoticeBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["incident", "partner__name", "-pk"]
        indexes = [models.Index(fields=["incident", "state"])]

    def __str__(self) -> str:
        return f"notice {self.pk} to {self.partner_id} on {self.incident_id}: {self.state}"


class NoticeDelivery(models.Model):
    """One attempt to hand a notice to the mail server, with what the server said. An
    attempt with no result is one whose worker was lost mid-delivery: the mail server may
    have taken it, and the next attempt's copy carries the same Message-ID."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "No result (worker lost)"
        ACCEPTED = "accepted", "Accepted by the mail server"
        RETRYING = "retrying", "Failed; trying again"
        REFUSED = "refused", "Failed"

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="deliveries")
    attempt = models.PositiveIntegerField()
    worker = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    # Rewritten every few seconds while the worker talks to the mail server: an attempt
    # with no result whose heartbeat stopped lost its worker (services/notices.py).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    reply = models.TextField(blank=True, max_length=2000)  # the server's own words

    class Meta:
        ordering = ["notice", "attempt"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "attempt"], name="delivery_attempt_once")
        ]

    def __str__(self) -> str:
        return f"notice {self.notice_id} attempt {self.attempt}: {self.outcome}"
