"""The optional malware scan: a local clamd stand-in (its INSTREAM protocol on a Unix
socket) flags the EICAR test string; a flagged file is kept quarantined and never served,
and a scanner that is set up but down keeps nothing rather than let a file through."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.models import Evidence
from tests.conftest import client_for

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@contextmanager
def fake_clamd(path: Path) -> Iterator[list[bytes]]:
    """A clamd that answers INSTREAM as ClamAV does; yields what it was sent."""
    seen: list[bytes] = []
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(4)

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += conn.recv(1)
                assert command == b"zINSTREAM\0"
                data = b""
                while True:
                    size = struct.unpack("!L", _exactly(conn, 4))[0]
                    if size == 0:
                        break
                    data += _exactly(conn, size)
                seen.append(data)
                found = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else None
                conn.sendall(found or b"stream: OK\0")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        server.close()


def _exactly(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        data += conn.recv(n - len(data))
    return data


@pytest.fixture
def clamd(settings, tmp_path):
    path = tmp_path / "clamd.sock"
    settings.CLAMD_ADDRESS = str(path)
    with fake_clamd(path) as seen:
        yield seen


def _upload(user, incident, name: str, body: bytes):
    return client_for(user).post(
        f"/incidents/{incident.reference}/evidence/",
        {"files": [SimpleUploadedFile(name, body)]},
        follow=True,
    )


def test_a_clean_file_is_scanned_and_kept(cast, incident, clamd):
    _upload(cast.responder, incident, "gateway.log", b"GET /internal/v2 200\n")
    kept = Evidence.objects.get()
    assert kept.scan_result == "clean" and kept.quarantined_at is None
    assert clamd == [b"GET /internal/v2 200\n"]
    assert incident.events.get(verb="evidence.uploaded").after["scan"] == "clean"


def test_a_flagged_file_is_kept_quarantined_and_never_served(cast, incident, clamd):
    page = _upload(cast.responder, incident, "invoice.pdf", b"%PDF " + EICAR)
    kept = Evidence.objects.get()
    assert kept.quarantined_at is not None and kept.scan_result == "Eicar-Test-Signature"
    assert "Quarantined" in page.content.decode()
    event = incident.events.get(verb="evidence.quarantined")
    assert event.after["found"] == "Eicar-Test-Signature"
    response = client_for(cast.commander).get(
        f"/incidents/{incident.reference}/evidence/{kept.pk}/download/"
    )
    assert response.status_code == 403 and "quarantined" in response.content.decode()
    assert not incident.events.filter(verb="evidence.downloaded").exists()


def test_a_scanner_set_up_but_down_keeps_nothing_and_says_so(cast, incident, settings, tmp_path):
    settings.CLAMD_ADDRESS = str(tmp_path / "nobody-listens.sock")
    page = _upload(cast.responder, incident, "gateway.log", b"GET / 200\n")
    assert page.status_code == 422
    assert "malware scanner" in page.content.decode() and "did not answer" in page.content.decode()
    assert not Evidence.objects.exists()


def test_without_a_scanner_the_page_says_files_are_unscanned(cast, incident):
    page = client_for(cast.responder).get(f"/incidents/{incident.reference}/evidence/")
    assert "files are kept unscanned" in page.content.decode()
