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
# Kinds that run on an incident by themselves (the incident page's buttons), not only as a
# checklist step's automation.
INCIDENT_WIDE: set[str] = set()


def register(check: Check, *, incident_wide: bool = False) -> Check:
    CHECKS[check.kind] = check
    if incident_wide:
        INCIDENT_WIDE.add(check.kind)
    return check


def incident_wide_check(kind: str) -> Check | None:
    """The check of that kind if it may be run on an incident by itself, else None."""
    _load_all()
    return CHECKS.get(kind) if kind in INCIDENT_WIDE else None


def check_for(kind: str) -> Check:
    _load_all()
    try:
        return CHECKS[kind]
    except KeyError:
        known = ", ".join(sorted(CHECKS))
        raise ValidationError(f"Unknown check kind {kind!r}; known kinds: {known}.") from None


def all_checks() -> dict[str, Check]:
    """Every registered kind (what a playbook step may be done by)."""
    _load_all()
    return dict(CHECKS)


def clean_params(kind: str, params: Any) -> dict[str, Any]:
    if not isinstance(params, dict):
        raise ValidationError("Check parameters must be an object of names and values.")
    return check_for(kind).clean(params)


def _load_all() -> None:
    from incidents.checks import (  # noqa: F401
        endpoint_auth,
        heartbeat,
        old_credential,
        rate_limit,
        rotation_complete,
    )
