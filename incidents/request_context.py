"""Which request (or task run) an event comes from, and how its actor signed in: kept for
the length of one HTTP request or task, read by services/events.py, so every event of one
action carries the same request id and an investigator can group and trace them.

How someone signed in is read from what django-allauth records in the session
("account_authentication_methods"): a single-sign-on provider, a second factor, or a
password. A session without that record (made some other way) says "session", never a
guess. Celery tasks are "worker", with the task's id as their request id."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str | None] = ContextVar("breachroom_request_id", default=None)
_auth: ContextVar[str | None] = ContextVar("breachroom_auth", default=None)
SESSION_KEY = "account_authentication_methods"


def current() -> tuple[str | None, str | None]:
    """(request id, how the actor signed in) of the work running now; (None, None) outside
    any request or task (a script: nothing is claimed)."""
    return _request_id.get(), _auth.get()


@contextmanager
def acting(request_id: str, auth: str | None) -> Iterator[None]:
    request_token, auth_token = _request_id.set(request_id), _auth.set(auth)
    try:
        yield
    finally:
        _request_id.reset(request_token)
        _auth.reset(auth_token)


def auth_method(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    records = request.session.get(SESSION_KEY) or []
    methods = {r.get("method") for r in records if isinstance(r, dict)}
    if "socialaccount" in methods:
        return "sso"
    if "mfa" in methods:
        return "mfa"
    if methods & {"password", "code"}:
        return "password"
    return "session"


class RequestContextMiddleware:
    """After authentication: a fresh id for each request, returned as X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        with acting(request_id, auth_method(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def task_started(task_id: str | None = None, **_: Any) -> None:
    """Celery's task_prerun: the task's id is its request id; its actor is a worker."""
    _request_id.set(task_id)
    _auth.set("worker")


def task_finished(**_: Any) -> None:
    _request_id.set(None)
    _auth.set(None)
