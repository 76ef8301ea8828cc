"""Whole pages (the incident list and incident pages) cached per viewer, so reloading a page
nothing has changed on costs a lookup instead of twenty queries and the templates.

The key names everything the page depends on: the viewer (id and roles), the page (the
list, or an incident's reference), the data generation of `list_cache` (bumped by every
event, so by every change to any incident, and by any change to the shared data a page
offers: memberships, users, partners, templates, playbooks, credentials...), the query
string, the viewer's time zone, the unread-notification count in the navigation, and the
minute (countdowns).

The page's CSRF tokens are rendered as a placeholder and swapped for the requester's token
on the way out, so no session's secret is ever cached. The placeholder is derived from
SECRET_KEY: text a user typed cannot name it. Pages with pending flash messages are not
cached (the messages show once)."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone

from incidents import generations, list_cache
from incidents.roles import roles_of
from incidents.selectors_response import unread_notifications

SECONDS = 120


def enabled() -> bool:
    return bool(settings.INCIDENT_PAGE_CACHE)


@lru_cache(maxsize=1)
def csrf_placeholder() -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), b"page-cache-csrf", hashlib.sha256)
    return f"csrf{digest.hexdigest()[:40]}"


def key_for(request: HttpRequest, page: str) -> str | None:
    """The key of `page` ("list", or an incident's reference) for this viewer; None when
    the page must not come from the cache. No query: a page is only ever stored after the
    access gate let this viewer see it, and anything that could change that (membership,
    the restricted flag, roles) moves a generation in the key."""
    if not enabled() or len(get_messages(request)):
        return None
    user = request.user
    parts = (
        str(user.pk),
        ",".join(sorted(roles_of(user))),
        page,
        str(generations.current(list_cache.GENERATION_KEY)),
        request.GET.urlencode(),
        timezone.get_current_timezone_name(),
        str(unread_notifications(user)),
        str(int(time.time() // 60)),
    )
    return "incident-page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def serve(request: HttpRequest, key: str | None, render: Callable[[str], str]) -> str:
    """The page for this request: from the cache, or rendered by `render(csrf_token)` and
    kept. The requester's own token is put in on the way out either way."""
    html = cache.get(key) if key else None
    if html is None:
        if key is None:
            return render(get_token(request))
        html = render(csrf_placeholder())
        cache.set(key, html, SECONDS)
    return str(html).replace(csrf_placeholder(), get_token(request))
