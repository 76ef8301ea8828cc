"""Cached incident pages (incidents.page_cache) and viewer facts (incidents.viewer_cache):
never stale after a change, never another session's CSRF token, never another viewer's page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from incidents import roles
from incidents.models import Notification, Partner
from incidents.page_cache import csrf_placeholder
from incidents.services.incident_fields import token_of, update_field
from incidents.services.notifications import mark_all_read
from tests.conftest import client_for


@pytest.fixture(autouse=True)
def _caches_on(settings):
    settings.INCIDENT_PAGE_CACHE = True
    settings.INCIDENT_LIST_CACHE = True


def _page(client, incident) -> str:
    response = client.get(f"/incidents/{incident.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def _tokens(body: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body))


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_reload_comes_from_the_cache_with_this_sessions_token(cast, incident):
    client = _signed_in(cast.responder)
    with CaptureQueriesContext(connection) as cold:
        first = _page(client, incident)
    with CaptureQueriesContext(connection) as warm:
        second = _page(client, incident)
    # Left: the user and the access check with the event sequence (and the session where
    # sessions are not cached, as without Redis).
    assert len(warm) <= 3 and len(cold) - len(warm) >= 15
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
    update_field(
        incident=incident,
        field="title",
        value="Renamed after triage",
        was=token_of(incident, "title"),
        by=cast.commander,
    )
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
    from incidents.services.notes import add_note

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
    update_field(
        incident=incident,
        field="title",
        value="Listed under a new title",
        was=token_of(incident, "title"),
        by=cast.commander,
    )
    assert "Listed under a new title" in client.get("/incidents/").content.decode()
