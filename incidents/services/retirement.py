"""Retiring an entry of a shared directory (a partner, a contact, a probe secret): it is
kept, marked retired once, and the act is on the security log. Never a delete: what was
sent to it, or presented by it, stays explained."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from incidents.services import security_log


def retire_once(
    rows: QuerySet[Any], verb: str, *, by: Any, request: Any = None, details: dict[str, Any]
) -> bool:
    """Mark `rows` (one entry) retired unless it already is; True if this call did."""
    with transaction.atomic():
        moved = rows.filter(retired_at__isnull=True).update(retired_at=timezone.now())
        if moved:
            security_log.record(verb, actor=by, request=request, details=details)
    return bool(moved)
