"""Light or dark colours chosen by hand, kept per browser in a cookie (like the time zone
the browser reports): absent, the page follows the device's own setting."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "theme"
THEME_CHOICES = [("", "As my device"), ("light", "Light"), ("dark", "Dark")]
CHOSEN = {"light", "dark"}
A_YEAR = 365 * 24 * 3600


def theme_of(request: HttpRequest) -> str:
    """ "light", "dark", or "" (follow the device); anything else in the cookie is ignored."""
    value = request.COOKIES.get(COOKIE, "")
    return value if value in CHOSEN else ""


def remember_theme(response: HttpResponse, value: str) -> None:
    if value in CHOSEN:
        response.set_cookie(
            COOKIE,
            value,
            max_age=A_YEAR,
            samesite="Lax",
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,  # sent over HTTPS only where sessions are
        )
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
