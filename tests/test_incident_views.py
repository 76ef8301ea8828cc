"""The incident pages through HTTP: success and refusal side by side."""

from django.test import Client

from incidents.models import Event, Incident, Status
from tests.conftest import client_for, signed_in

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_opening_an_incident_redirects_to_its_page(cast):
    response = client_for(cast.commander).post(
        "/incidents/new/", {"title": "API scraped", "severity": "sev1"}
    )
    incident = Incident.objects.get(title="API scraped")
    assert (
        response.status_code == 302 and response["Location"] == f"/incidents/{incident.reference}/"
    )


def test_opening_with_bad_input_shows_errors_and_writes_nothing(cast):
    response = client_for(cast.commander).post("/incidents/new/", {"title": "", "severity": "sev9"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "This field is required." in body and "Select a valid choice." in body
    assert not Incident.objects.exists() and not Event.objects.exists()


def test_opening_records_what_the_first_minutes_know_in_the_users_zone(cast):
    import datetime as dt

    from incidents.models import BreachVector

    vector = BreachVector.objects.first()
    client = client_for(cast.responder)
    client.cookies["tz"] = "Asia%2FTokyo"
    form = client.get("/incidents/new/").content.decode()
    assert '<option value="sam" selected>' in form  # the opener commands by default
    assert "Asia/Tokyo" in form  # the times' zone is named beside them
    response = client.post(
        "/incidents/new/",
        {
            "title": "Internal API reachable",
            "severity": "sev1",
            "breach_vector": vector.slug,
            "detected_at": "2026-11-30T09:00",
            "aware_at": "2026-11-30T10:30",
            "commander": "dana",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get(title="Internal API reachable")
    assert incident.detected_at == dt.datetime(2026, 11, 30, 0, 0, tzinfo=dt.UTC)
    assert incident.aware_at == dt.datetime(2026, 11, 30, 1, 30, tzinfo=dt.UTC)
    assert (incident.commander, incident.breach_vector) == (cast.commander, vector)
    opened = incident.events.get(verb="incident.opened")
    assert opened.after["breach_vector"] == vector.name


def test_became_aware_before_detected_is_refused_at_the_field_and_nothing_written(cast):
    response = client_for(cast.commander).post(
        "/incidents/new/",
        {
            "title": "Out of order",
            "severity": "sev2",
            "detected_at": "2026-11-30T10:00",
            "aware_at": "2026-11-30T09:00",
        },
    )
    assert response.status_code == 422
    assert "Becoming aware comes after detection" in response.content.decode()
    assert not Incident.objects.exists() and not Event.objects.exists()


def test_only_became_aware_given_dates_detection_no_later(cast):
    import datetime as dt

    client_for(cast.commander).post(
        "/incidents/new/",
        {"title": "Aware only", "severity": "sev2", "aware_at": "2026-11-30T09:00"},
    )
    incident = Incident.objects.get(title="Aware only")
    assert (
        incident.detected_at == incident.aware_at == dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    )


def test_the_incident_page_shows_header_timeline_and_live_marker(cast, incident):
    client = client_for(cast.responder)
    body = client.get(f"/incidents/{incident.reference}/").content.decode()
    assert 'id="incident-header"' in body and 'id="timeline-section"' in body
    assert 'data-seq="1"' in body
    assert f'ws-connect="/ws/incidents/{incident.reference}/"' in body
    assert 'hx-history="false"' in body
    # The timeline loads as its own address when scrolled into view, and that address
    # is a page of its own without JavaScript.
    timeline_url = f"/incidents/{incident.reference}/timeline/"
    assert f'hx-get="{timeline_url}"' in body and 'hx-trigger="revealed"' in body
    assert f'href="{timeline_url}"' in body
    fragment = client.get(timeline_url, **HTMX).content.decode()
    assert 'id="timeline"' in fragment and "dana opened the incident" in fragment
    assert "<html" not in fragment
    page = client.get(timeline_url).content.decode()
    assert "<html" in page and "dana opened the incident" in page


def test_an_htmx_transition_returns_the_new_header(cast, incident):
    response = client_for(cast.responder).post(
        f"/incidents/{incident.reference}/transition/", {"to": "triage"}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<header id="incident-header"') and "Triage" in body
    incident.refresh_from_db()
    assert incident.status == Status.TRIAGE


def test_an_illegal_htmx_transition_is_422_with_the_allowed_moves(cast, incident):
    response = client_for(cast.responder).post(
        f"/incidents/{incident.reference}/transition/", {"to": "closed"}, **HTMX
    )
    assert response.status_code == 422
    assert "Cannot move from New to Closed" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Status.NEW and incident.event_seq == 1


def test_a_transition_without_javascript_redirects_with_a_message(cast, incident):
    client = client_for(cast.responder)
    response = client.post(
        f"/incidents/{incident.reference}/transition/", {"to": "closed"}, follow=True
    )
    assert "Cannot move from New to Closed" in response.content.decode()


def test_an_unknown_incident_is_404(cast):
    assert client_for(cast.admin).get("/incidents/INC-1999-9999/").status_code == 404


def test_a_forged_csrf_token_is_refused_with_a_clear_page(cast, incident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.responder)
    signed_in(client)
    client.get(f"/incidents/{incident.reference}/")
    response = client.post(
        f"/incidents/{incident.reference}/transition/",
        {"to": "triage", "csrfmiddlewaretoken": "forged" * 8},
    )
    assert response.status_code == 403
    assert "security token was missing or did not match" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Status.NEW


def test_an_unknown_check_is_404_and_records_nothing(cast, incident):
    response = client_for(cast.responder).post(f"/incidents/{incident.reference}/checks/rm-rf/")
    assert response.status_code == 404
    assert incident.events.count() == 1


def test_hostile_titles_are_escaped(cast):
    title = "<img src=x onerror=alert(1)>"
    client_for(cast.commander).post("/incidents/new/", {"title": title, "severity": "sev2"})
    incident = Incident.objects.get()
    for url in ("/incidents/", f"/incidents/{incident.reference}/"):
        body = client_for(cast.responder).get(url).content.decode()
        assert title not in body and "&lt;img src=x onerror=alert(1)&gt;" in body


def test_the_timeline_pages_by_sequence_cursor(cast, incident):
    from django.db import transaction

    from incidents.services.events import append_event

    with transaction.atomic():
        for _ in range(60):
            append_event(incident=incident, verb="test.tick", actor=cast.commander)
    client = client_for(cast.responder)
    timeline_url = f"/incidents/{incident.reference}/timeline/"
    first = client.get(timeline_url).content.decode()
    assert 'id="event-61"' in first and 'id="event-12"' in first and 'id="event-11"' not in first
    older = client.get(f"{timeline_url}?before=12", **HTMX).content.decode()
    assert 'id="event-11"' in older and 'id="event-1"' in older and "<html" not in older


def test_the_timeline_filter_in_a_pages_address_is_kept(cast, incident):
    client = client_for(cast.responder)
    page = client.get(f"/incidents/{incident.reference}/?timeline=notes").content.decode()
    assert f'hx-get="/incidents/{incident.reference}/timeline/?kind=notes"' in page
    junk = client.get(f"/incidents/{incident.reference}/?timeline=%3Cx%3E").content.decode()
    assert f'hx-get="/incidents/{incident.reference}/timeline/"' in junk and "%3Cx" not in junk
    own = client.get(f"/incidents/{incident.reference}/timeline/?timeline=notes").content.decode()
    assert "No events of this kind." in own  # an incident just opened has no notes


def test_the_audit_export_carries_events_and_verification(cast, incident):
    response = client_for(cast.auditor).get(f"/incidents/{incident.reference}/audit.json")
    data = response.json()
    assert data["verification"]["intact"] is True
    assert [e["seq"] for e in data["events"]] == [1]
    assert data["head_hash"] == data["events"][-1]["hash"]


def _queries_for(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_page_query_counts_do_not_grow_with_events_or_incidents(cast, incident, settings):
    from django.core.cache import cache
    from django.db import transaction

    from incidents.services.events import append_event
    from tests.factories import make_incident

    client = client_for(cast.responder)
    detail = f"/incidents/{incident.reference}/"
    timeline = f"{detail}timeline/"
    client.get(detail)  # the session's first request writes its own bits
    cache.clear()  # cold: every section drawn
    small_detail, small_list = _queries_for(client, detail), _queries_for(client, "/incidents/")
    small_timeline = _queries_for(client, timeline)
    # Warm: the gate and the page's own bits only, every section from the shared store.
    warm_detail = _queries_for(client, detail)
    with transaction.atomic():
        for _ in range(120):
            append_event(incident=incident, verb="test.tick", actor=cast.commander)
    for n in range(30):
        make_incident(by=cast.commander, title=f"Other {n}")
    cache.clear()
    assert _queries_for(client, detail) == small_detail
    assert _queries_for(client, "/incidents/") == small_list
    assert _queries_for(client, timeline) == small_timeline
    assert _queries_for(client, detail) == warm_detail
    assert small_detail <= 30 and small_list <= 10 and warm_detail <= 4
