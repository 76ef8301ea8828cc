"""The checkpoint signing key: Ed25519, kept outside the database so that whoever can write
the database still cannot sign. In the embedded default a file under var/ made on first
use (permissions 0600); in production AUDIT_SIGNING_KEY_FILE names a mounted secret. The
private key is never put in a table, a log, a setting or a page: only its public half and
that half's fingerprint are shown."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public_hex(self) -> str:
        return public_hex(self.private.public_key())

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_hex)

    def sign(self, data: bytes) -> str:
        return self.private.sign(data).hex()


def public_hex(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def fingerprint(public: str) -> str:
    """SHA-256 of the raw public key, as hex: what the Audit page and exports name it by."""
    return hashlib.sha256(bytes.fromhex(public)).hexdigest()


def verify(public: str, signature: str, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(
            bytes.fromhex(signature), data
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def key_path() -> Path:
    return Path(settings.AUDIT_SIGNING_KEY_FILE)


def load(*, create: bool = True) -> SigningKey:
    """The signing key from its file; made (0600, never overwritten) if there is none and
    `create` allows it."""
    path = key_path()
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"no audit signing key at {path}")
        create_file(path)
    return load_file(path)


def load_file(path: Path) -> SigningKey:
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return SigningKey(private)


def create_file(path: Path) -> None:
    """A new key in a new 0600 file; an existing file is never overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # O_EXCL: two processes starting at once never overwrite each other's key.
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(handle, "wb") as out:
        out.write(pem)
