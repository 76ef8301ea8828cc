"""Shows times in the user's zone (incidents.user_zone says which)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from incidents.user_zone import zone_of


class UserTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(zone_of(getattr(request, "session", None), request.COOKIES))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
