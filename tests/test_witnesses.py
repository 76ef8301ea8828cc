"""Witnesses: each checkpoint goes to a mail witness (a real SMTP server on 127.0.0.1) and an
HTTPS witness (a small receiver on 127.0.0.1 with a certificate made for the test); what
they answered is kept, a failing one is named on the Audit page, none blocks a checkpoint."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from incidents.checkpoints import keys
from incidents.models import WitnessReceipt
from incidents.services.checkpoints import body_hash, make_checkpoint
from incidents.services.notes import add_note
from incidents.services.witnesses import witness
from tests.conftest import client_for
from tests.processes import free_port
from tests.smtp_server import smtp_server


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, its own CA: what a private witness would use."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "witness.test")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "witness.pem", folder / "witness.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextmanager
def https_witness(folder: Path, status: int = 200) -> Iterator[tuple[str, list[dict], Path]]:
    received: list[dict] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            statement = json.loads(self.rfile.read(length))
            received.append(statement)
            answer = json.dumps({"witnessed": statement["digest"], "at": "now"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            return

    cert, key = _certificate(folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/witness", received, cert
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def checkpoint(cast, incident):
    add_note(incident=incident, body="hello", by=cast.responder)
    return make_checkpoint()


def test_a_mail_and_an_https_witness_each_keep_the_signed_digest(settings, tmp_path, checkpoint):
    with smtp_server(settings) as mailbox, https_witness(tmp_path) as (url, received, cert):
        settings.AUDIT_WITNESS_EMAILS = ["audit@regulator.example"]
        settings.AUDIT_WITNESS_URLS = [url]
        settings.AUDIT_WITNESS_CA_FILE = str(cert)
        assert witness(checkpoint.seq) == []
    [mail] = mailbox.messages
    assert mail["To"] == "audit@regulator.example"
    assert body_hash(checkpoint.body) in mail.get_payload()
    [statement] = received
    assert statement["signature"] == checkpoint.signature
    assert keys.verify(statement["public_key"], statement["signature"], statement["body"].encode())
    receipts = {r.witness: r for r in WitnessReceipt.objects.all()}
    assert receipts["mail:audit@regulator.example"].receipt.startswith("accepted by the mail")
    assert json.loads(receipts[url].receipt)["witnessed"] == body_hash(checkpoint.body)
    assert all(r.confirmed_at for r in receipts.values())


def test_an_untrusted_certificate_or_a_refusal_is_kept_as_the_witness_error(
    cast, settings, tmp_path, checkpoint
):
    with https_witness(tmp_path) as (url, received, _):
        settings.AUDIT_WITNESS_URLS = [url]
        settings.AUDIT_WITNESS_CA_FILE = ""  # the witness's CA is not trusted
        [failed] = witness(checkpoint.seq)
    assert "CERTIFICATE_VERIFY_FAILED" in failed.error and received == []
    with https_witness(tmp_path, status=503) as (url, _, cert):
        settings.AUDIT_WITNESS_URLS = [url]
        settings.AUDIT_WITNESS_CA_FILE = str(cert)
        [failed] = witness(checkpoint.seq)
    assert "503" in failed.error and failed.confirmed_at is None
    page = client_for(cast.auditor).get("/audit/").content.decode()
    assert url in page and "503" in page


def test_without_witnesses_the_audit_page_says_so(cast, checkpoint):
    page = client_for(cast.auditor).get("/audit/").content.decode()
    assert "No witness is configured" in page


@contextmanager
def timestamp_authority(answer: bytes) -> Iterator[tuple[str, list[bytes]]]:
    """A stand-in for an RFC 3161 authority on 127.0.0.1 that keeps the requests it gets
    and answers `answer`. (No library installable here signs timestamp tokens, so the
    stand-in cannot grant one: the tests prove the request and that nothing but a granted,
    matching token is ever taken as a receipt.)"""
    asked: list[bytes] = []

    class Authority(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            assert self.headers["Content-Type"] == "application/timestamp-query"
            asked.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Authority)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa", asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "answer",
    [b"<html>not a TSA</html>", bytes.fromhex("3005300302010 2".replace(" ", ""))],
    ids=["not-a-response", "rejection"],
)
def test_a_timestamp_authority_is_asked_for_the_bodys_imprint_and_only_a_grant_counts(
    settings, checkpoint, answer
):
    import hashlib

    with timestamp_authority(answer) as (url, asked):
        settings.AUDIT_WITNESS_TSA_URL = url
        [failed] = witness(checkpoint.seq)
    [request] = asked
    # A DER TimeStampReq carrying the SHA-512 imprint of exactly the signed body.
    assert request[0] == 0x30 and hashlib.sha512(checkpoint.body.encode()).digest() in request
    assert failed.witness == f"tsa:{url}" and failed.confirmed_at is None
    assert failed.error and failed.receipt == ""
