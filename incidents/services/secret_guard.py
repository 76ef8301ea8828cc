"""Keeping secrets out. Credential fields refuse anything shaped like a secret (Breachroom
keeps identifiers, never secrets); free text (notes, the summary, evidence notes, risk
rationales) warns first and offers to keep only a fingerprint of what looked secret."""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass

KNOWN_SECRET_SHAPES = [
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"-----BEGIN PGP PRIVATE KEY BLOCK-----"), "a PGP private key"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "an AWS access key id"),
    (re.compile(r"\b(sk|rk)_(live|test)_[0-9a-zA-Z]{10,}"), "a Stripe secret key"),
    (re.compile(r"\bgh[pousr]_[0-9A-Za-z]{20,}"), "a GitHub token"),
    (re.compile(r"\bgithub_pat_[0-9A-Za-z_]{20,}"), "a GitHub token"),
    (re.compile(r"\bxox[abprs]-[0-9A-Za-z-]{10,}"), "a Slack token"),
    (re.compile(r"\bglpat-[0-9A-Za-z_-]{20,}"), "a GitLab token"),
    (re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), "a Google API key"),
    (re.compile(r"\beyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,}\."), "a JSON web token"),
    (re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"), "a URL with a password"),
]
LONG_RANDOM = 20  # a random-looking token at least this long is treated as a secret
ENTROPY_BITS_PER_CHAR = 3.5
TOKEN = re.compile(rf"[A-Za-z0-9+/=_\-]{{{LONG_RANDOM},}}")
# A key written in groups ("AKIA IOSF ODNN 7EXA MPLE", "wJal-rXUt-nFEM..."): five or more
# groups of 3 to 8 characters, separated by one space or hyphen.
GROUPED = re.compile(r"\b(?:[A-Za-z0-9+/=]{3,8}[ \-]){4,}[A-Za-z0-9+/=]{3,8}\b")


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    what: str


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _random_looking(token: str) -> bool:
    return (
        len(token) >= LONG_RANDOM
        and _entropy(token) >= ENTROPY_BITS_PER_CHAR
        and bool(re.search(r"\d", token))
        and bool(re.search(r"[A-Za-z]", token))
    )


def find_secrets(value: str) -> list[Found]:
    """Where `value` holds something shaped like a secret, and what it looks like."""
    found = [
        Found(m.start(), m.end(), what)
        for pattern, what in KNOWN_SECRET_SHAPES
        for m in pattern.finditer(value)
    ]
    for m in GROUPED.finditer(value):
        joined = re.sub(r"[ \-]", "", m.group())
        shapes = [what for pattern, what in KNOWN_SECRET_SHAPES if pattern.search(joined)]
        if shapes or (
            _random_looking(joined) and re.search(r"[a-z]", joined) and re.search(r"[A-Z]", joined)
        ):
            found.append(Found(m.start(), m.end(), (shapes or ["a key written in groups"])[0]))
    for m in TOKEN.finditer(value):
        if _random_looking(m.group()):
            found.append(Found(m.start(), m.end(), "a long random-looking token"))
    return _merged(found)


def _merged(found: list[Found]) -> list[Found]:
    merged: list[Found] = []
    for item in sorted(found, key=lambda f: (f.start, -f.end)):
        if merged and item.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Found(last.start, max(last.end, item.end), last.what)
        else:
            merged.append(item)
    return merged


def secret_reason(value: str) -> str | None:
    """Why `value` looks like a secret, or None."""
    found = find_secrets(value or "")
    return f"it looks like {found[0].what}" if found else None


def refuse_secrets(fields: dict[str, str]) -> None:
    """Credential fields: refused outright."""
    from incidents.services import ServiceError

    for name, value in fields.items():
        reason = secret_reason(value or "")
        if reason:
            raise ServiceError(
                f"{name}: refused because {reason}. Breachroom never stores secrets; record a "
                "fingerprint or the last 4 characters instead."
            )


def fingerprint(secret: str) -> str:
    """What may be kept of a secret: its SHA-256 prefix and its last four characters."""
    digest = hashlib.sha256(secret.encode()).hexdigest()[:16]
    return f"[secret removed: sha256 {digest}…, ends “{secret[-4:]}”]"


def fingerprinted(value: str) -> str:
    parts, last = [], 0
    for item in find_secrets(value):
        parts += [value[last : item.start], fingerprint(value[item.start : item.end])]
        last = item.end
    return "".join(parts) + value[last:]
