"""Per-request context: the user's time zone, and no copies of breach data in caches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from incidents.access import Ability, may
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


class NoStoreMiddleware:
    """Every response Django makes may carry incident data (pages, partials, exports, PDFs,
    JSON): no browser or proxy keeps a copy. Static files are served before this runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response


class NoRoleMiddleware:
    """A signed-in person without a role sees a page saying so, and nothing else: not the
    list's filters (every assignable person, every category), not an empty workspace."""

    OPEN = ("/accounts/", "/static/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        opened = request.path.startswith(self.OPEN)
        if user.is_authenticated and not opened and not may(user, Ability.USE):
            return render(request, "no_role.html", status=403)
        return self.get_response(request)


class RefuseNulMiddleware:
    """A NUL character in a parameter is never meant (PostgreSQL cannot even store or search
    for one): the whole request is refused, clearly, before any view or query sees it.
    Uploaded files are exempt: their bytes are the file's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _has_nul(request.GET) or _has_nul(request.POST):
            return render(request, "400_nul.html", status=400)
        return self.get_response(request)


def _has_nul(params: Any) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in params.getlist(key)) for key in params
    )
