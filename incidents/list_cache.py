"""The incident list's results (count, rows, pager) cached per viewer and query.

Rendering the results is most of the list page: the capped count, the page query with
its overdue checks, fifty rows. The fragment is cached under a key naming everything it
depends on, so nothing is ever deleted, only no longer asked for:

- the viewer (user id and roles: visibility of restricted incidents is per user),
- the query string (filters, sort, page; the pager links are built from it),
- the viewer's time zone (times are shown in it),
- the list generation, moved whenever a row's data may have changed
  (incidents.cache_invalidation),
- the current minute: "overdue" flags turn on as time passes, with no write to notice;
  they show at most a minute late (the deadline watch also appends an event then).

No CSRF token or other per-session secret is in the fragment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from incidents import generations, page_cache

SECONDS = 60


def enabled() -> bool:
    return bool(settings.INCIDENT_LIST_CACHE)


def key_for(request: HttpRequest) -> str:
    generation = generations.current(generations.LIST)
    minute = page_cache.current_minute()
    return page_cache.viewer_key("incident-list-results", request, str(generation), str(minute))


def get(key: str) -> SafeString | None:
    html = cache.get(key) if enabled() else None
    return None if html is None else mark_safe(html)  # noqa: S308 - rendered by us, escaped


def put(key: str, html: str) -> None:
    if enabled():
        cache.set(key, html, SECONDS)


def filters(request: HttpRequest, render: Callable[[], str]) -> SafeString:
    """The filter form: it shows the query string and the people and categories to pick
    from, the same for every viewer; kept as long as those options are."""
    from incidents.selectors import FILTER_CHOICES_SECONDS

    digest = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()
    key = f"incident-list-filters:{generations.current(generations.SHARED)}:{digest}"
    html = get(key)
    if html is None:
        html = mark_safe(render())  # noqa: S308 - a rendered template
        if enabled():
            cache.set(key, html, FILTER_CHOICES_SECONDS)
    return html
