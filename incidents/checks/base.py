"""The one interface every check implements, and the registry of kinds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class CheckContext:
    """What a check may know besides its parameters."""

    incident_id: int
    rotation_id: int | None = None


@dataclass(frozen=True)
class CheckOutcome:
    status: str  # pass | fail | error
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)


class Check(Protocol):
    kind: str
    label: str

    def clean(self, params: dict[str, Any]) -> dict[str, Any]:
        """Validated parameters, or ValidationError saying what is wrong."""

    def run(self, params: dict[str, Any], context: CheckContext) -> CheckOutcome: ...


CHECKS: dict[str, Check] = {}


def register(check: Check) -> Check:
    CHECKS[check.kind] = check
    return check


def check_for(kind: str) -> Check:
    _load_all()
    try:
        return CHECKS[kind]
    except KeyError:
        known = ", ".join(sorted(CHECKS))
        raise ValidationError(f"Unknown check kind {kind!r}; known kinds: {known}.") from None


def clean_params(kind: str, params: Any) -> dict[str, Any]:
    if not isinstance(params, dict):
        raise ValidationError("Check parameters must be an object of names and values.")
    return check_for(kind).clean(params)


def _load_all() -> None:
    from incidents.checks import endpoint_auth, old_credential, rate_limit, rotation_complete  # noqa: F401
