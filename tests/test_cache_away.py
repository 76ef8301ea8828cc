"""Redis is an accelerator, not a point of failure for reading: with the cache's server
unreachable, signed-in pages are drawn afresh (slower), never a 500, and the session is read
from the database (incidents/signin/session_store.py). Signing in and out still need the
cache (a session left in it could come back when it returns)."""

from __future__ import annotations

import pytest

from tests.conftest import client_for
from tests.processes import free_port

pytestmark = pytest.mark.django_db


def _cache_server_away(settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # A port nothing listens on: every call fails to connect.
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }


def test_signed_in_pages_answer_with_the_cache_server_away(cast, incident, settings):
    client = client_for(cast.responder)  # signed in before the cache's server went away
    _cache_server_away(settings)
    for url in (
        "/incidents/",
        f"/incidents/{incident.reference}/",
        f"/incidents/{incident.reference}/timeline/",
        "/obligations/",
        "/notifications/",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert "Public incident" in client.get(f"/incidents/{incident.reference}/").content.decode()
