"""`manage.py check` refuses the page caches without a shared cache: each process would
keep its own copy, and a change made in one (a worker, another web process) would never
reach the pages the others serve, nor end a session they hold."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

SHARED_BACKENDS = ("incidents.redis_cache.SharedRedisCache", "django.core.cache.backends.redis")


@register()
def page_caches_need_a_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    backend = settings.CACHES["default"]["BACKEND"]
    wanted = [
        name for name in ("INCIDENT_LIST_CACHE", "INCIDENT_PAGE_CACHE") if getattr(settings, name)
    ]
    if not wanted or backend.startswith(SHARED_BACKENDS):
        return []
    return [
        Error(
            f"{' and '.join(wanted)} need a shared cache (set REDIS_URL); the cache is {backend}.",
            hint="Set REDIS_URL, or set these to false.",
            id="incidents.E010",
        )
    ]
