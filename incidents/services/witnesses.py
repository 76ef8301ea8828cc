"""Handing each checkpoint to outside witnesses, so that the database and the key holder
together still cannot rewrite the past unseen: a witness keeps the digest and signature
of each checkpoint, and an export shows what they hold.

Mail witnesses get the checkpoint's signed body and signature (no breach data: chain names
are incident references and hashes); HTTPS witnesses get the same as JSON, and what they
answer is kept as their receipt. A witness that fails is retried by the task and shown on
the Audit page with its error; it never blocks a checkpoint."""

from __future__ import annotations

import base64
import json
import ssl
import urllib.request
from pathlib import Path
from typing import Any

import rfc3161_client
from cryptography import x509
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from incidents.checkpoints.keys import fingerprint
from incidents.models import AuditCheckpoint, WitnessReceipt
from incidents.services.checkpoints import body_hash

TIMEOUT = 15.0
RECEIPT_LIMIT = 8_000


def configured() -> list[str]:
    """Each witness as the record names it: "mail:<address>", "tsa:<url>" or the endpoint's
    URL."""
    tsa = [f"tsa:{settings.AUDIT_WITNESS_TSA_URL}"] if settings.AUDIT_WITNESS_TSA_URL else []
    return (
        [f"mail:{a}" for a in settings.AUDIT_WITNESS_EMAILS]
        + list(settings.AUDIT_WITNESS_URLS)
        + tsa
    )


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
            if name.startswith("mail:"):
                answer = _mail(name.removeprefix("mail:"), checkpoint)
            elif name.startswith("tsa:"):
                answer = timestamp(name.removeprefix("tsa:"), checkpoint)
            else:
                answer = _post(name, checkpoint)
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


def timestamp(url: str, checkpoint: AuditCheckpoint) -> str:
    """Ask an RFC 3161 timestamp authority to sign the time of the checkpoint's body. The
    receipt is its token (base64 DER) with the time it gives. The answer must be granted,
    carry our nonce and the body's imprint; with AUDIT_WITNESS_TSA_ROOTS its signature is
    verified to those roots too, else the token is kept but its signature unchecked (said
    so in the receipt)."""
    body = checkpoint.body.encode()
    request = rfc3161_client.TimestampRequestBuilder().data(body).build()
    http_request = urllib.request.Request(  # noqa: S310 - the URL is the admin's setting
        url,
        data=request.as_bytes(),
        headers={"Content-Type": "application/timestamp-query"},
        method="POST",
    )
    context = ssl.create_default_context(cafile=settings.AUDIT_WITNESS_CA_FILE or None)
    with urllib.request.urlopen(http_request, timeout=TIMEOUT, context=context) as response:  # noqa: S310
        data = response.read(1_000_000)
    try:
        answer = rfc3161_client.decode_timestamp_response(data)
    except Exception as error:
        raise ValueError(f"not a timestamp response ({error})") from None
    if answer.status not in (rfc3161_client.PKIStatus.GRANTED, 1):  # 1: granted with mods
        raise ValueError(f"the timestamp authority refused: {answer.status_string}")
    info = answer.tst_info
    if info.nonce != request.nonce or info.message_imprint.message != (
        request.message_imprint.message
    ):
        raise ValueError("the timestamp answers another request (nonce or imprint differ)")
    checked = _verify_token(answer, request, body)
    token = base64.b64encode(answer.time_stamp_token()).decode()
    return f"gen_time={info.gen_time.isoformat()} signature={checked} token={token}"


def _verify_token(answer: Any, request: Any, body: bytes) -> str:
    roots_file = settings.AUDIT_WITNESS_TSA_ROOTS
    if not roots_file:
        return "unchecked (no AUDIT_WITNESS_TSA_ROOTS)"
    builder = rfc3161_client.VerifierBuilder.from_request(request)
    for root in x509.load_pem_x509_certificates(Path(roots_file).read_bytes()):
        builder = builder.add_root_certificate(root)
    try:
        builder.build().verify_message(answer, body)
    except rfc3161_client.VerificationError as error:
        raise ValueError(f"the timestamp's signature does not verify ({error})") from None
    return "verified"


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
