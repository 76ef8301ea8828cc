"""Redis is an accelerator, not a point of failure: with the cache's server unreachable,
signed-in pages are drawn afresh (slower), never a 500; sessions live in the database, so
signing in and out work too, and a session ended then cannot come back from the cache
(incidents/redis_cache.py)."""

from __future__ import annotations

import pytest

from tests.conftest import client_for
from tests.processes import free_port

pytestmark = pytest.mark.django_db


def _cache_server_away(settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "incidents.redis_cache.SharedRedisCache",
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


def test_signing_in_and_out_work_with_the_cache_server_away(cast, settings):
    from django.contrib.sessions.models import Session
    from django.test import Client

    from incidents.models import SecurityEvent

    user = cast.responder
    user.set_password("correct horse battery staple")
    user.save()
    _cache_server_away(settings)
    client = Client(REMOTE_ADDR="10.9.8.7")
    response = client.post(
        "/accounts/login/", {"login": user.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    key = client.cookies["sessionid"].value
    assert client.get("/incidents/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    # Ended where it is kept: it cannot come back when the cache returns.
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/incidents/").status_code == 302  # to the sign-in page
    verbs = list(SecurityEvent.objects.order_by("seq").values_list("verb", flat=True))
    assert verbs[-2:] == ["sign_in.succeeded", "sign_out"], verbs
