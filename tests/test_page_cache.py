"""Cached incident pages (incidents.page_cache) and viewer facts (incidents.viewer_cache):
never stale after a change, never another session's CSRF token, never another viewer's page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from incidents import roles
from incidents.models import Notification, Partner
from incidents.page_cache import csrf_placeholder
from incidents.services.notes import add_note
from incidents.services.notifications import mark_all_read
from tests.conftest import client_for, signed_in
from tests.factories import make_incident, retitle


@pytest.fixture(autouse=True)
def _caches_on(settings):
    settings.INCIDENT_PAGE_CACHE = True
    settings.INCIDENT_LIST_CACHE = True


def _page(client, incident) -> str:
    response = client.get(f"/incidents/{incident.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def _beyond_session(captured: CaptureQueriesContext) -> list[str]:
    """The queries but the session's own: read from the database when there is no Redis,
    and saved (in a savepoint) the first time it holds the CSRF secret (CSRF_USE_SESSIONS)."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if '"django_session"' not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


def _tokens(body: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body))


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    signed_in(client)
    return client


def test_a_reload_comes_from_the_cache_with_this_sessions_token(cast, incident):
    client = _signed_in(cast.responder)
    with CaptureQueriesContext(connection) as cold:
        first = _page(client, incident)
    with CaptureQueriesContext(connection) as warm:
        second = _page(client, incident)
    # The user, its roles and the page come from the cache (the session too, with Redis).
    assert _beyond_session(warm) == [] and len(cold) >= 15
    assert csrf_placeholder() not in second and _tokens(second)
    token = _tokens(second).pop()
    posted = client.post(
        f"/incidents/{incident.reference}/notes/", {"body": "hi", "csrfmiddlewaretoken": token}
    )
    assert posted.status_code in (200, 302), posted.content[:200]
    assert first.count("csrfmiddlewaretoken") == second.count("csrfmiddlewaretoken")


def test_two_sessions_of_one_user_each_get_their_own_token(cast, incident):
    one, two = _signed_in(cast.responder), _signed_in(cast.responder)
    _page(one, incident)
    body = _page(two, incident)  # served from what the first session cached
    token = _tokens(body).pop()
    refused = one.post(
        f"/incidents/{incident.reference}/notes/", {"body": "x", "csrfmiddlewaretoken": token}
    )
    accepted = two.post(
        f"/incidents/{incident.reference}/notes/", {"body": "y", "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code in (200, 302)
    # Django accepts any masking of the same secret: the sessions' secrets differ.
    assert (
        refused.status_code == 403
        or one.cookies["csrftoken"].value == two.cookies["csrftoken"].value
    )


def test_a_change_shows_on_the_next_load(cast, incident):
    client = client_for(cast.responder)
    _page(client, incident)
    retitle(incident, "Renamed after triage", by=cast.commander)
    assert "Renamed after triage" in _page(client, incident)


def test_shared_data_the_page_offers_shows_on_the_next_load(cast, incident):
    client = client_for(cast.comms)
    assert "Brand-new Payments Ltd" not in _page(client, incident)
    Partner.objects.create(name="Brand-new Payments Ltd", audience="payment_partner")
    assert "Brand-new Payments Ltd" in _page(client, incident)


def test_an_outsider_gets_404_even_when_a_member_has_the_page_cached(cast, restricted):
    _page(client_for(cast.responder), restricted)
    response = client_for(cast.outsider).get(f"/incidents/{restricted.reference}/")
    assert response.status_code == 404 and restricted.title not in response.content.decode()


def test_losing_a_role_shows_at_once(cast, incident):
    client = client_for(cast.responder)
    assert "Add note" in _page(client, incident)
    cast.responder.groups.remove(Group.objects.get(name=roles.RESPONDER))
    cast.responder.groups.add(Group.objects.get_or_create(name=roles.AUDITOR)[0])
    body = _page(client, incident)
    assert "Auditor" in body and "Add note" not in body


def test_the_unread_badge_follows_new_and_read_notifications(cast, incident):
    client = client_for(cast.commander)
    assert 'class="badge"' not in _page(client, incident)
    Notification.objects.create(user=cast.commander, incident=incident, text="due soon")
    assert '<span class="badge">1</span>' in _page(client, incident)
    mark_all_read(user=cast.commander)
    assert 'class="badge"' not in _page(client, incident)


def test_a_flash_message_is_shown_not_cached(cast, incident):
    client = client_for(cast.responder)
    _page(client, incident)
    client.post(f"/incidents/{incident.reference}/transition/", {"to": "closed"})  # refused
    body = _page(client, incident)
    assert 'class="msg error"' in body
    assert 'class="msg error"' not in _page(client, incident)  # shown once


def test_a_member_removed_from_a_restricted_incident_gets_404_at_once(cast, restricted):
    client = client_for(cast.responder)
    assert restricted.title in _page(client, restricted)
    with CaptureQueriesContext(connection) as warm:
        _page(client, restricted)
    assert not any("incidents_incident" in q["sql"] for q in warm.captured_queries)
    restricted.members.remove(cast.responder)
    response = client.get(f"/incidents/{restricted.reference}/")
    assert response.status_code == 404 and restricted.title not in response.content.decode()


def test_a_new_event_on_the_incident_shows_on_the_next_load(cast, incident):
    client = client_for(cast.responder)
    _page(client, incident)
    add_note(incident=incident, body="Firewall rule deployed at the edge", by=cast.commander)
    assert "Firewall rule deployed at the edge" in _page(client, incident)


def test_the_list_page_is_cached_whole_and_follows_changes(cast, incident):
    client = _signed_in(cast.responder)
    with CaptureQueriesContext(connection) as cold:
        client.get("/incidents/")
    with CaptureQueriesContext(connection) as warm:
        body = client.get("/incidents/").content.decode()
    assert len(warm) < len(cold) and len(warm) <= 2
    assert csrf_placeholder() not in body and 'name="csrfmiddlewaretoken"' in body
    retitle(incident, "Listed under a new title", by=cast.commander)
    assert "Listed under a new title" in client.get("/incidents/").content.decode()


def test_a_change_to_another_incident_leaves_this_page_cached(cast, incident):
    other = make_incident(by=cast.commander, title="Another incident")
    client = client_for(cast.responder)
    _page(client, incident)
    add_note(incident=other, body="Only about the other incident", by=cast.commander)
    with CaptureQueriesContext(connection) as reload:
        _page(client, incident)
    assert _beyond_session(reload) == []
    assert "Only about the other incident" in _page(client, other)


def test_joining_a_restricted_incident_from_the_user_side_shows_at_once(cast, restricted):
    client = client_for(cast.outsider)
    assert client.get(f"/incidents/{restricted.reference}/").status_code == 404
    cast.outsider.incident_memberships.add(restricted)  # the reverse side of the relation
    assert restricted.title in _page(client, restricted)


def test_a_password_change_ends_a_session_whose_user_is_cached(cast, incident):
    client = client_for(cast.responder)
    _page(client, incident)
    _page(client, incident)  # the user now comes from the cache
    cast.responder.set_password("a-new-long-passphrase-2026")
    cast.responder.save()
    response = client.get(f"/incidents/{incident.reference}/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_deactivated_user_is_signed_out_at_once(cast, incident):
    client = client_for(cast.responder)
    _page(client, incident)
    cast.responder.is_active = False
    cast.responder.save(update_fields=["is_active"])
    response = client.get(f"/incidents/{incident.reference}/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_countdowns_are_redrawn_once_a_minute_by_one_request(cast, incident, monkeypatch):
    from incidents import page_cache

    minute = [page_cache.current_minute()]
    monkeypatch.setattr(page_cache, "current_minute", lambda: minute[0])
    first, second = client_for(cast.responder), client_for(cast.responder)
    _page(first, incident)
    minute[0] += 1  # the next minute: the first request to ask redraws the page
    with CaptureQueriesContext(connection) as redrawn:
        _page(first, incident)
    assert len(redrawn) >= 10
    minute[0] += 1  # another minute, and another request is already redrawing it
    request = RequestFactory().get(f"/incidents/{incident.reference}/")
    request.user = cast.responder
    key = page_cache._key(request, f"incident:{incident.reference}")
    page_cache.cache.add(f"{key}:redraw:{minute[0]}", 1, 10)
    with CaptureQueriesContext(connection) as meanwhile:
        body = _page(second, incident)
    assert _beyond_session(meanwhile) == [] and incident.title in body


def test_the_cached_viewer_entry_holds_no_password_hash(cast, incident):
    from django.core.cache import cache

    _page(client_for(cast.responder), incident)
    entry = cache.get(f"viewer:{cast.responder.pk}")
    assert entry["row"] is not None and "password" not in entry["row"]["fields"]
    assert cast.responder.password not in repr(entry)


def test_a_cached_user_keeps_its_password_when_saved_and_rehashes_a_new_one(cast):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import User

    from incidents.viewer_cache import cached_user

    load = ModelBackend().get_user
    cached_user(cast.responder.pk, load)  # fills the entry
    user = cached_user(cast.responder.pk, load)  # read from it
    assert "password" in user.get_deferred_fields()
    user.first_name = "Renamed"
    user.save()
    assert User.objects.get(pk=user.pk).password == cast.responder.password
    cached_hash = user.get_session_auth_hash()
    user.set_password("a-brand-new-passphrase-2026")
    assert user.get_session_auth_hash() not in (cached_hash, "")
