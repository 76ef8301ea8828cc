"""The list's cached results (incidents.list_cache) are never stale after a change and
never shared between viewers who may see different incidents."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents import roles
from incidents.models import Incident
from incidents.services.incidents import transition
from tests.conftest import client_for
from tests.factories import make_incident, retitle


@pytest.fixture(autouse=True)
def _list_cache_on(settings):
    settings.INCIDENT_LIST_CACHE = True
    settings.INCIDENT_PAGE_CACHE = False  # this file tests the results cache beneath it


def _list(client, query: str = "") -> str:
    response = client.get(f"/incidents/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_repeated_list_is_served_from_the_cache(cast, incident):
    client = client_for(cast.responder)
    _list(client, "?sort=severity")  # warms the filter options, which have their own cache
    with CaptureQueriesContext(connection) as cold:
        first = _list(client)
    with CaptureQueriesContext(connection) as warm:
        second = _list(client)
    assert second == first.replace(_csrf(first), _csrf(second))
    # the count and the page query are skipped; session, user, roles, notifications stay
    assert len(cold) - len(warm) == 2


def _csrf(body: str) -> str:
    return body.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]


def test_an_edited_title_shows_at_once(cast, incident):
    client = client_for(cast.responder)
    assert "Public incident" in _list(client)
    retitle(incident, "Renamed at once", by=cast.commander)
    body = _list(client)
    assert "Renamed at once" in body and "Public incident" not in body


def test_a_status_change_and_a_new_incident_show_at_once(cast, incident):
    client = client_for(cast.responder)
    _list(client, "?state=open")
    transition(incident=incident, to="triage", by=cast.commander)
    make_incident(by=cast.commander, title="Opened after the cache was warm")
    body = _list(client, "?state=open")
    assert '<span class="status status-triage">Triage</span>' in body
    assert "Opened after the cache was warm" in body


def test_a_member_s_cached_list_never_reaches_an_outsider(cast, restricted):
    assert "Secret MelzTube breach" in _list(client_for(cast.responder))
    outsider = client_for(cast.outsider)
    assert "Secret MelzTube breach" not in _list(outsider)
    restricted.members.add(cast.outsider)
    assert "Secret MelzTube breach" in _list(outsider)
    restricted.members.remove(cast.outsider)
    assert "Secret MelzTube breach" not in _list(outsider)


def test_losing_a_role_empties_the_list_at_once(cast, incident):
    client = client_for(cast.responder)
    assert "Public incident" in _list(client)
    cast.responder.groups.remove(Group.objects.get(name=roles.RESPONDER))
    response = client.get("/incidents/")
    assert response.status_code == 403 and "Public incident" not in response.content.decode()


def test_times_follow_each_viewer_s_zone(cast, incident):
    tokyo, lisbon = client_for(cast.responder), client_for(cast.responder)
    tokyo.cookies["tz"], lisbon.cookies["tz"] = "Asia/Tokyo", "Europe/Lisbon"
    assert "JST</time>" in _list(tokyo)
    assert "JST</time>" not in _list(lisbon)


def test_turned_off_the_list_reads_the_database_each_time(cast, incident, settings):
    settings.INCIDENT_LIST_CACHE = False
    client = client_for(cast.responder)
    _list(client)
    # A bulk update sends no signal; only a minute's turn would show it with the cache on.
    Incident.objects.filter(pk=incident.pk).update(title="Changed behind the back")
    assert "Changed behind the back" in _list(client)


def test_the_filter_form_shows_each_query_s_own_choices(cast, incident):
    client = client_for(cast.responder)
    sev1 = _list(client, "?severity=sev1")
    sev2 = _list(client, "?severity=sev2")
    assert 'value="sev1" checked' in sev1 and 'value="sev2" checked' not in sev1
    assert 'value="sev2" checked' in sev2 and 'value="sev1" checked' not in sev2
    assert 'value="sev2" checked' in _list(client_for(cast.commander), "?severity=sev2")
