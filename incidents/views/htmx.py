"""Shared bits of the htmx-aware views."""

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

UNPROCESSABLE = 422
CONFLICT = 409


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthedRequest(HtmxHttpRequest):
    """A request behind login_required: its user is a real User."""

    user: User


def form_errors_text(form: Any) -> str:
    """A bound form's errors as one line: "Label: message; ..." (non-field ones bare)."""
    return "; ".join(
        f"{form.fields[name].label or name}: {' '.join(str(e) for e in errs)}"
        if name != "__all__"
        else " ".join(str(e) for e in errs)
        for name, errs in form.errors.items()
    )


def wants_partial(request: HtmxHttpRequest) -> bool:
    """An htmx swap wants the partial; a history restore (back button with no cached copy,
    which we never keep) and a plain request want the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request
