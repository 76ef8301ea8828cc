"""Whole pages (the incident list and incident pages) cached per viewer, so reloading a page
nothing has changed on costs one cache round trip instead of twenty queries and the
templates.

The key names the viewer (id and roles), the page (the list, or an incident's reference),
the query string, the viewer's time zone and the unread-notification count in the
navigation. The entry records the generations (incidents.generations) the
page was built under: the list's, or the shared data's and its own incident's for an
incident page. It is read together with them and used only while they are current, so a
change to one incident leaves every other incident's page cached. It also records the
minute it was drawn in: countdowns are redrawn once a minute (see `_redraw`).

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

from incidents import generations
from incidents.roles import roles_of
from incidents.selectors_response import unread_notifications

SECONDS = 120
REDRAW_CLAIM_SECONDS = 10


def enabled() -> bool:
    return bool(settings.INCIDENT_PAGE_CACHE)


@lru_cache(maxsize=1)
def csrf_placeholder() -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), b"page-cache-csrf", hashlib.sha256)
    return f"csrf{digest.hexdigest()[:40]}"


def serve(
    request: HttpRequest, page: str, depends_on: tuple[str, ...], render: Callable[[str], str]
) -> str:
    """The page for this request: from the cache while the generations in `depends_on`
    are the ones it was built under, else rendered by `render(csrf_token)` and kept. The
    requester's own token is put in on the way out either way. No query on a hit: a page
    is only ever stored after the access gate let this viewer see it, and anything that
    could change that (membership, the restricted flag, roles) moves a generation."""
    if not enabled() or len(get_messages(request)):
        return render(get_token(request))
    key = _key(request, page)
    minute = current_minute()
    current, found = generations.current_many(depends_on, key)
    entry = found.get(key)
    if entry is not None and entry[0] == current and not _redraw(key, entry[1], minute):
        html = entry[2]
    else:
        html = render(csrf_placeholder())
        cache.set(key, (current, minute, html), SECONDS)
    return str(html).replace(csrf_placeholder(), get_token(request))


def current_minute() -> int:
    return int(time.time() // 60)


def _redraw(key: str, drawn_in: int, minute: int) -> bool:
    """Whether this request redraws a page whose data is current but whose countdowns were
    drawn in an earlier minute. One request per page does; the others meanwhile get the
    page as drawn, rather than all redrawing it at once at every turn of the minute."""
    return drawn_in != minute and cache.add(f"{key}:redraw:{minute}", 1, REDRAW_CLAIM_SECONDS)


def _key(request: HttpRequest, page: str) -> str:
    return viewer_key("incident-page", request, page, str(unread_notifications(request.user)))


def viewer_key(prefix: str, request: HttpRequest, *extra: str) -> str:
    """A key naming who a page is drawn for (id and roles: what they may see and do), the
    query string, the time zone the times are shown in, and `extra`."""
    user = request.user
    parts = (
        str(user.pk),
        ",".join(sorted(roles_of(user))),
        request.GET.urlencode(),
        timezone.get_current_timezone_name(),
        *extra,
    )
    return f"{prefix}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
