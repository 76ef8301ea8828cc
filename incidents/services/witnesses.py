"""Handing each checkpoint to outside witnesses, so that the database and the key holder
together still cannot rewrite the past unseen: a witness keeps the digest and signature
of each checkpoint, and an export shows what they hold.

Mail witnesses get the checkpoint's signed body and signature (no breach data: chain names
are incident references and hashes); HTTPS witnesses get the same as JSON, and what they
answer is kept as their receipt. A witness that fails is retried by the task and shown on
the Audit page with its error; it never blocks a checkpoint."""

from __future__ import annotations

import json
import ssl
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from incidents.checkpoints.keys import fingerprint
from incidents.models import AuditCheckpoint, WitnessReceipt
from incidents.services.checkpoints import body_hash

TIMEOUT = 15.0
RECEIPT_LIMIT = 8_000


def configured() -> list[str]:
    """Each witness as the record names it: "mail:<address>" or the endpoint's URL."""
    return [f"mail:{a}" for a in settings.AUDIT_WITNESS_EMAILS] + list(settings.AUDIT_WITNESS_URLS)


def statement(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """What a witness is given: enough to check the signature and hold the digest."""
    return {
        "checkpoint": checkpoint.seq,
        "body": checkpoint.body,
        "digest": body_hash(checkpoint.body),
        "signature": checkpoint.signature,
        "public_key": checkpoint.public_key,
        "key_fingerprint": fingerprint(checkpoint.public_key),
        "algorithm": "Ed25519 over the body's UTF-8 bytes; digest = SHA-256 of the body",
    }


def witness(checkpoint_seq: int) -> list[WitnessReceipt]:
    """Hand the checkpoint to every configured witness that has not confirmed it yet;
    returns the receipts that still failed (the task retries them)."""
    checkpoint = AuditCheckpoint.objects.get(seq=checkpoint_seq)
    failed = []
    for name in configured():
        receipt, _ = WitnessReceipt.objects.get_or_create(checkpoint=checkpoint, witness=name)
        if receipt.confirmed_at is not None:
            continue
        try:
            answer = (
                _mail(name[5:], checkpoint) if name.startswith("mail:") else _post(name, checkpoint)
            )
        except (OSError, ValueError) as error:  # smtplib and urllib errors are OSErrors
            receipt.error = f"{type(error).__name__}: {error}"[:2000]
            receipt.save(update_fields=["error"])
            failed.append(receipt)
            continue
        receipt.receipt, receipt.error = answer[:RECEIPT_LIMIT], ""
        receipt.confirmed_at = timezone.now()
        receipt.save(update_fields=["receipt", "error", "confirmed_at"])
    return failed


def _mail(address: str, checkpoint: AuditCheckpoint) -> str:
    text = (
        f"Breachroom audit checkpoint {checkpoint.seq}, signed {checkpoint.made_at.isoformat()}.\n"
        "Keep this message: it fixes in time the signed digest of the audit trail. "
        "It holds no breach data.\n\n" + json.dumps(statement(checkpoint), indent=2) + "\n"
    )
    message = EmailMessage(
        subject=f"Breachroom audit checkpoint {checkpoint.seq}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )
    connection = get_connection(fail_silently=False)
    message.connection = connection
    with connection:
        message.send(fail_silently=False)
        reply = connection.last_reply() if hasattr(connection, "last_reply") else ""
    return f"accepted by the mail server: {reply}" if reply else "handed to the mail backend"


def _post(url: str, checkpoint: AuditCheckpoint) -> str:
    context = ssl.create_default_context(cafile=settings.AUDIT_WITNESS_CA_FILE or None)
    request = urllib.request.Request(  # noqa: S310 - an https:// URL from settings (checked there)
        url,
        data=json.dumps(statement(checkpoint)).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT, context=context) as response:  # noqa: S310
        return str(response.read(RECEIPT_LIMIT).decode(errors="replace"))


def latest_by_witness() -> list[dict[str, Any]]:
    """For the Audit page: each configured witness, when it last confirmed, its last error."""
    shown = []
    for name in configured():
        confirmed = (
            WitnessReceipt.objects.filter(witness=name, confirmed_at__isnull=False)
            .select_related("checkpoint")
            .order_by("-checkpoint__seq")
            .first()
        )
        failing = (
            WitnessReceipt.objects.filter(witness=name, confirmed_at__isnull=True)
            .exclude(error="")
            .order_by("-checkpoint__seq")
            .first()
        )
        shown.append({"name": name, "confirmed": confirmed, "failing": failing})
    return shown
