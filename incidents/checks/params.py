"""Parameter validation shared by the checks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from incidents.checks.target_policy import check_url_shape


def url_param(params: dict[str, Any], name: str = "url") -> str:
    url = params.get(name)
    if not isinstance(url, str) or not url.strip():
        raise ValidationError(f"'{name}' is required: the URL to check.")
    if len(url) > 500:
        raise ValidationError(f"'{name}' is longer than 500 characters.")
    check_url_shape(url.strip())
    return url.strip()


def int_param(params: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(f"'{name}' must be a whole number from {low} to {high}.")
    try:
        number = int(value)
    except ValueError:
        raise ValidationError(f"'{name}' must be a whole number from {low} to {high}.") from None
    if not low <= number <= high:
        raise ValidationError(f"'{name}' must be from {low} to {high} (got {number}).")
    return number


def only_known(params: dict[str, Any], known: set[str]) -> None:
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValidationError(
            f"Unknown parameter(s): {', '.join(unknown)}; allowed: {', '.join(sorted(known))}."
        )
