"""Automated mitigation checks: one module each, behind the interface in base.py."""

from incidents.checks.base import (
    CHECKS,
    CheckContext,
    CheckOutcome,
    check_for,
    clean_params,
    incident_wide_check,
)

__all__ = [
    "CHECKS",
    "CheckContext",
    "CheckOutcome",
    "check_for",
    "clean_params",
    "incident_wide_check",
]
