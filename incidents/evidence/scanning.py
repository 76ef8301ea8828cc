"""The optional malware scan of evidence files: ClamAV's clamd, over its socket.

Set CLAMD_ADDRESS to a Unix socket path (/run/clamav/clamd.ctl) or host:port, and every
file given to an incident is streamed to clamd (its INSTREAM command) before it is kept. A
file clamd flags is kept quarantined: on the record with what was found, never served. If
a scanner is set up but does not answer, nothing is kept and the uploader is told so: a
file is never let through unscanned because the scanner was down."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import IO

from django.conf import settings

PIECE = 1024 * 1024
INFECTED = " FOUND"


class ScannerDown(Exception):
    """The scanner is set up but could not give a verdict."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    said: str  # "clean", or the signature found ("Eicar-Test-Signature")


def configured() -> bool:
    return bool(settings.CLAMD_ADDRESS)


def scan(stream: IO[bytes]) -> Verdict:
    """Stream the file to clamd in pieces and read its verdict."""
    try:
        with _connect() as conn:
            conn.sendall(b"zINSTREAM\0")
            while piece := stream.read(PIECE):
                conn.sendall(struct.pack("!L", len(piece)) + piece)
            conn.sendall(struct.pack("!L", 0))
            reply = _read_reply(conn)
    except OSError as error:
        raise ScannerDown(
            f"the malware scanner at {settings.CLAMD_ADDRESS} did not answer "
            f"({error.strerror or error})"
        ) from None
    # "stream: OK", "stream: Eicar-Test-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    body = reply.partition(": ")[2] if reply.startswith("stream: ") else reply
    if body == "OK":
        return Verdict(True, "clean")
    if body.endswith(INFECTED):
        return Verdict(False, body[: -len(INFECTED)].strip() or "a threat")
    raise ScannerDown(f"the malware scanner could not scan the file: {reply}")


def _connect() -> socket.socket:
    address: str = settings.CLAMD_ADDRESS
    timeout = settings.CLAMD_TIMEOUT
    if address.startswith("/"):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(timeout)
        conn.connect(address)
        return conn
    host, _, port = address.rpartition(":")
    return socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout)


def _read_reply(conn: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.rstrip(b"\0").decode(errors="replace").strip()
