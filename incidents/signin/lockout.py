"""django-axes hooks: which account a sign-in attempt names, and the page a locked-out
account or address sees (a clear message, HTTP 429, nothing about whether it exists)."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """allauth passes `username` to the backends; its form posts `login`."""
    if credentials and credentials.get("username"):
        return str(credentials["username"])[:150]
    if request is not None and request.method == "POST":
        return (request.POST.get("login") or "")[:150] or None
    return None


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def unlock(*, by: Any, username: str = "", address: str = "", request: Any = None) -> int:
    """An admin lifts a lockout of an account, an address, or both; on the security log."""
    from axes.utils import reset

    from incidents.services import ServiceError, security_log

    username, address = username.strip()[:150], address.strip()[:45]
    if not username and not address:
        raise ServiceError("Name the account or the address to unlock.")
    if address:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise ServiceError(f"“{address}” is not an IP address.") from None
    count = reset(ip=address or None, username=username or None)
    security_log.record(
        "sign_in.unlocked",
        actor=by,
        request=request,
        details={"username": username, "locked_address": address, "attempts_cleared": count},
    )
    return count
