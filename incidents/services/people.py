"""Looking after people's access: the MFA a role requires, and ending someone's sessions.
(Role grants are services.roles; unlocking a sign-in is signin.lockout.unlock.)"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from incidents.models import RoleMfaPolicy
from incidents.roles import ALL_ROLES
from incidents.services import ServiceError, security_log


def set_mfa_policy(*, required: set[str], by: Any, request: Any = None) -> set[str]:
    """The roles that must have a second factor (enrolled at their next sign-in)."""
    if unknown := required - set(ALL_ROLES):
        raise ServiceError(f"Unknown role(s): {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        before = set(RoleMfaPolicy.objects.filter(mfa_required=True).values_list("role", flat=True))
        if before == required:
            return before
        for role in ALL_ROLES:
            RoleMfaPolicy.objects.update_or_create(
                role=role, defaults={"mfa_required": role in required}
            )
        security_log.record(
            "mfa_policy.changed",
            actor=by,
            request=request,
            details={"required": sorted(required), "was": sorted(before)},
        )
    return required


def end_sessions_of(*, user: Any, by: Any, request: Any = None) -> int:
    """An admin signs someone out everywhere (a lost laptop, a leaver)."""
    from incidents.signin.sessions import end_sessions

    keep = request.session.session_key if request is not None and by == user else None
    ended = end_sessions(user=user, keep=keep)
    security_log.record(
        "sessions.ended",
        actor=by,
        request=request,
        details={"user": user.get_username(), "ended": ended},
    )
    return ended
