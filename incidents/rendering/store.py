"""Where shared renderings live: Django's cache (Redis in production, local memory in the
embedded default: the same code path either way). A key names everything the rendering
depends on, so an entry is never updated or deleted, only no longer asked for; an entry
built from data newer than its key is harmless, one older is impossible (the key's
revisions are read before the data)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from incidents.rendering import clock
from incidents.rendering.code_version import code_version

log = logging.getLogger(__name__)

SECONDS = 6 * 3600  # memory hygiene only: keys are versions, never stale


def key(kind: str, *parts: object) -> str:
    """A short cache key for `parts` (and the running code: a deploy draws afresh)."""
    text = "\x1f".join((code_version(), kind, *(str(p) for p in parts)))
    return f"r:{kind}:{hashlib.sha256(text.encode()).hexdigest()[:40]}"


def fetch(wanted: Mapping[str, Callable[[], str]]) -> dict[str, str]:
    """The rendering for each key, from the cache in one round trip; the missing ones, and
    those a deadline has overtaken since they were drawn (rendering/clock.py), are drawn by
    their callable and stored together."""
    now = timezone.now().timestamp()
    stored: dict[str, tuple[float | None, str]] = {}
    try:
        stored = cache.get_many(list(wanted)) if wanted else {}
    except Exception:  # the cache is an accelerator: without it, everything is drawn
        log.warning("the rendering store is unavailable; drawing without it", exc_info=True)
    found = {k: v for k, v in stored.items() if v[0] is None or v[0] > now}
    missing = {k: _draw(render) for k, render in wanted.items() if k not in found}
    if missing:
        try:
            cache.set_many(missing, SECONDS)
        except Exception:
            log.warning("could not keep renderings in the store", exc_info=True)
    return {k: _with_refresh(*(found.get(k) or missing[k])) for k in wanted}


def _draw(render: Callable[[], str]) -> tuple[float | None, str]:
    with clock.watching() as watch:
        html = render()
    expires = watch.expires()
    return (expires.timestamp() if expires else None), html


_ROOT = re.compile(r"\A(\s*<[a-zA-Z][a-zA-Z0-9-]*)")


def mark_root(html: str, attribute: str) -> str:
    """`attribute` (trusted markup: ours, never user text) added to the rendering's root
    element; the rest of the bytes unchanged."""
    return _ROOT.sub(lambda found: f"{found.group(1)} {attribute}", html, count=1)


def _with_refresh(expires: float | None, html: str) -> str:
    """A rendering that changes at a moment says so on its root element, so an open page
    asks for it again then (static/app.js)."""
    if expires is None:
        return html
    moment = datetime.fromtimestamp(expires, UTC).isoformat()
    return mark_root(html, f'data-refresh-at="{moment}"')


@lru_cache(maxsize=1)
def csrf_placeholder() -> str:
    """What a shared rendering holds where a form's CSRF token goes; swapped for the
    viewer's own token on the way out. Derived from SECRET_KEY, so text a user typed
    cannot name it."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"shared-rendering-csrf", hashlib.sha256)
    return f"csrf{digest.hexdigest()[:40]}"


def personalise(html: str, csrf_token: str) -> str:
    return html.replace(csrf_placeholder(), csrf_token)
