"""Sessions with limits: idle and absolute lifetimes from the settings, a registry of each
person's sessions (so they, or an admin, can end them all), and ending them on a role or
password change. The times live in the session itself: no query to check them."""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from incidents.models import UserSession
from incidents.services import security_log

STARTED, SEEN = "breachroom_started", "breachroom_seen"
TOUCH_EVERY = 60  # seconds: how stale "last seen" may get before it is written again
USER_AGENT_MAX = 200


def store(key: str | None = None) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=key)


def register(request: HttpRequest, user: Any, method: str) -> None:
    """Called at sign-in, after the session has its key."""
    now = int(time.time())
    request.session[STARTED] = request.session[SEEN] = now
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "address": security_log.client_address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
            "method": method,
        },
    )


def end_sessions(*, user: Any, keep: str | None = None) -> int:
    """End every session of `user` but `keep` (the one asking, when it is theirs)."""
    ended = 0
    for row in UserSession.objects.filter(user=user).exclude(session_key=keep or ""):
        store(row.session_key).delete()
        row.delete()
        ended += 1
    return ended


def forget(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def expired(session: SessionBase, now: int) -> str:
    """Why this session has ended ("" when it has not)."""
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        return ""
    if now - int(seen) > settings.SESSION_IDLE_MINUTES * 60:
        return f"after {settings.SESSION_IDLE_MINUTES} minutes without activity"
    if now - int(started) > settings.SESSION_ABSOLUTE_HOURS * 3600:
        return f"{settings.SESSION_ABSOLUTE_HOURS} hours after signing in"
    return ""


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        session, now = request.session, int(time.time())
        if session.get(STARTED) is None:  # opened another way (tests, a migration): start now
            session[STARTED] = session[SEEN] = now
            return None
        why = expired(session, now)
        if why:
            user, key = request.user, session.session_key
            security_log.record(
                "session.expired", actor=user, request=request, details={"why": why}
            )
            forget(key)
            logout(request)
            messages.info(request, f"You were signed out {why}. Sign in again to continue.")
            login = f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}"
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = login
                return response
            return redirect(login)
        if now - int(session[SEEN]) >= TOUCH_EVERY:
            session[SEEN] = now
            UserSession.objects.filter(session_key=session.session_key).update(
                last_seen_at=timezone.now()
            )
        return None
