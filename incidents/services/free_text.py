"""Free text that may hold a pasted secret (a note, the summary, an evidence note, a risk
rationale): warned about before it is saved. The person chooses to keep only a fingerprint
of what looked secret, or (it was not a secret) to save the text as typed."""

from __future__ import annotations

from typing import Any

from incidents.services import ServiceError, security_log
from incidents.services.secret_guard import find_secrets, fingerprinted

ASK, KEEP, FINGERPRINT = "", "keep", "fingerprint"
CHOICES = (ASK, KEEP, FINGERPRINT)


class LooksSecret(ServiceError):
    """Nothing was saved: the text holds something shaped like a live secret."""

    def __init__(self, found: dict[str, list[str]]) -> None:
        self.found = found
        what = "; ".join(f"{name}: {', '.join(kinds)}" for name, kinds in found.items())
        super().__init__(
            f"This looks like a live secret ({what}). Nothing was saved. Keep only its "
            "fingerprint, or save as typed if it is not a secret."
        )


def guard(fields: dict[str, str], choice: str, *, by: Any = None) -> dict[str, str]:
    """The fields as they may be saved, or LooksSecret for the person to choose. Text kept
    as typed although it looked secret is on the security log (what, never the text)."""
    if choice not in CHOICES:
        raise ServiceError("Unknown choice for text that looks secret.")
    found = {
        name: sorted({item.what for item in find_secrets(value)})
        for name, value in fields.items()
        if value and find_secrets(value)
    }
    if not found:
        return fields
    if choice == KEEP:
        security_log.record("free_text.secret_kept", actor=by, details={"found": found})
        return fields
    if choice == FINGERPRINT:
        return {name: fingerprinted(value) if value else value for name, value in fields.items()}
    raise LooksSecret(found)


def note_body(body: str, secrets: str, *, by: Any, limit: int, what: str = "A note") -> str:
    """A note's text as it may be saved: guarded for secrets, not empty, within `limit`."""
    body = guard({"note": body.strip()}, secrets, by=by)["note"]
    if not body:
        raise ServiceError(f"{what} cannot be empty.")
    if len(body) > limit:
        raise ServiceError(
            f"{what} can be at most {limit:,} characters (this one is {len(body):,})."
        )
    return body
