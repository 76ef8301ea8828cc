"""Refuse anything that looks like a secret: Breachroom keeps identifiers, never secrets."""

from __future__ import annotations

import math
import re
from collections import Counter

KNOWN_SECRET_SHAPES = [
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "an AWS access key id"),
    (re.compile(r"\b(sk|rk)_(live|test)_[0-9a-zA-Z]{10,}"), "a Stripe secret key"),
    (re.compile(r"\bgh[pousr]_[0-9A-Za-z]{20,}"), "a GitHub token"),
    (re.compile(r"\bxox[abprs]-[0-9A-Za-z-]{10,}"), "a Slack token"),
    (re.compile(r"\beyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,}\."), "a JSON web token"),
    (re.compile(r"\b[a-z]+://[^/\s:@]+:[^/\s@]+@"), "a URL with a password"),
]
LONG_RANDOM = 20  # a random-looking token at least this long is treated as a secret
ENTROPY_BITS_PER_CHAR = 3.5


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def secret_reason(value: str) -> str | None:
    """Why `value` looks like a secret, or None."""
    for pattern, what in KNOWN_SECRET_SHAPES:
        if pattern.search(value):
            return f"it looks like {what}"
    for token in re.findall(rf"[A-Za-z0-9+/=_\-]{{{LONG_RANDOM},}}", value):
        if (
            _entropy(token) >= ENTROPY_BITS_PER_CHAR
            and re.search(r"\d", token)
            and re.search(r"[A-Za-z]", token)
        ):
            return "it contains a long random-looking token"
    return None


def refuse_secrets(fields: dict[str, str]) -> None:
    from incidents.services import ServiceError

    for name, value in fields.items():
        reason = secret_reason(value or "")
        if reason:
            raise ServiceError(
                f"{name}: refused because {reason}. Breachroom never stores secrets; record a "
                "fingerprint or the last 4 characters instead."
            )
