"""Pages for requests that could not be served: what happened and what to do, nothing
changed."""

from __future__ import annotations

import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 5


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form post: say what happened and what to do, change nothing."""
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's last resort (handler500). A database that is busy (every pooled connection
    taken) or away is not a bug: it answers 503 with Retry-After, fast, instead of a 500.
    Drawn without the request's context: that context needs the database too."""
    why = _unavailable(sys.exc_info()[1])
    if why:
        html = render_to_string("503.html", {"why": why})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = HttpResponse(render_to_string("500.html"), status=500)
    response["Cache-Control"] = "no-store"
    return response


def _unavailable(error: BaseException | None) -> str:
    if not isinstance(error, OperationalError):
        return ""
    cause = error.__cause__
    if cause is not None and type(cause).__name__ == "PoolTimeout":
        return "Every connection to the database is in use (many people at once)."
    return "The database cannot be reached."
