"""The triage workspace over HTTP: inline edits, exposures, notes, list filters."""

import pytest

from incidents.models import DataCategory, Exposure, Incident, Note
from incidents.services.exposures import Range, record_exposure
from incidents.services.incident_fields import token_of, update_field
from incidents.services.incidents import transition
from tests.conftest import client_for
from tests.factories import make_incident, ruling_out_proof

HTMX = {"HTTP_HX_REQUEST": "true"}
HOSTILE = "<img src=x onerror=alert(1)>"


def _field_url(incident, field):
    return f"/incidents/{incident.reference}/fields/{field}/"


def test_the_editor_carries_the_value_it_shows(cast, incident):
    body = (
        client_for(cast.responder)
        .get(_field_url(incident, "title") + "?edit=1", **HTMX)
        .content.decode()
    )
    assert 'name="was" value="Public incident"' in body and 'name="value"' in body


def test_an_inline_edit_returns_the_updated_fact(cast, incident):
    response = client_for(cast.responder).post(
        _field_url(incident, "title"), {"value": "Renamed", "was": "Public incident"}, **HTMX
    )
    assert response.status_code == 200
    assert 'id="fact-title"' in response.content.decode() and "Renamed" in response.content.decode()


def test_a_concurrent_edit_gets_409_with_the_current_value(cast, incident):
    update_field(
        incident=incident, field="title", value="Dana's", was="Public incident", by=cast.commander
    )
    response = client_for(cast.responder).post(
        _field_url(incident, "title"), {"value": "Sam's", "was": "Public incident"}, **HTMX
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "it is now: Dana&#x27;s" in body
    assert 'name="was" value="Dana&#x27;s"' in body  # saving again overwrites knowingly
    incident.refresh_from_db()
    assert incident.title == "Dana's"


def test_an_invalid_value_is_422_inline(cast, incident):
    response = client_for(cast.responder).post(
        _field_url(incident, "detected_at"),
        {"value": "yesterday-ish", "was": token_of(incident, "detected_at")},
        **HTMX,
    )
    assert response.status_code == 422 and "Enter a valid date/time." in response.content.decode()


def test_times_out_of_order_show_both_times(cast, incident):
    response = client_for(cast.responder).post(
        _field_url(incident, "contained_at"), {"value": "2001-01-01T10:00", "was": ""}, **HTMX
    )
    assert response.status_code == 422
    assert "cannot be after Contained" in response.content.decode()


def test_times_are_read_in_the_users_zone_and_stored_in_utc(cast, incident):
    client = client_for(cast.responder)
    client.cookies["tz"] = "America/New_York"
    update_field(
        incident=incident,
        field="detected_at",
        value=None,
        was=token_of(incident, "detected_at"),
        by=cast.commander,
    )
    client.post(_field_url(incident, "aware_at"), {"value": "2026-01-15T09:30", "was": ""}, **HTMX)
    incident.refresh_from_db()
    assert incident.aware_at.isoformat() == "2026-01-15T14:30:00+00:00"


def test_editing_without_javascript_uses_a_page_and_redirects(cast, incident):
    client = client_for(cast.responder)
    page = client.get(_field_url(incident, "severity") + "?edit=1")
    assert "<html" in page.content.decode() and 'name="value"' in page.content.decode()
    response = client.post(_field_url(incident, "severity"), {"value": "sev1", "was": "sev2"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.severity == "sev1"


def test_an_unknown_field_is_404(cast, incident):
    assert (
        client_for(cast.responder)
        .post(_field_url(incident, "restricted"), {"value": "on"})
        .status_code
        == 404
    )


def _exposure_post(client, incident, **data):
    payload = {"category": "viewing-history", "status": "suspected", "disclosed": "on"} | data
    return client.post(f"/incidents/{incident.reference}/exposures/save/", payload, **HTMX)


def test_saving_an_exposure_returns_the_whole_matrix(cast, incident):
    response = _exposure_post(
        client_for(cast.responder),
        incident,
        people_low="10",
        people_high="20",
        place=["DE", "US-CA"],
    )
    assert response.status_code == 200 and response["HX-Retarget"] == "#exposures"
    body = response.content.decode()
    assert 'id="exposure-viewing-history"' in body and "10–20" in body and "California (US)" in body


def test_bad_exposure_input_is_422_and_writes_nothing(cast, incident):
    client = client_for(cast.responder)
    for data in (
        {"people_low": "-5"},
        {"people_low": "9", "people_high": "3"},
        {"status": "ruled_out"},
        {"place": ["ZZ"]},
        {"category": "nope"},
        {"records_low": "lots"},
        {"disclosed": ""},
        {"protection": "rot13"},
    ):
        assert _exposure_post(client, incident, **data).status_code == 422, data
    assert not Exposure.objects.exists()
    assert incident.events.count() == 1


def test_a_stale_exposure_edit_is_409(cast, incident):
    category = DataCategory.objects.get(slug="viewing-history")
    record_exposure(incident=incident, category=category, status="suspected", by=cast.commander)
    record_exposure(
        incident=incident,
        category=category,
        status="confirmed",
        by=cast.commander,
        expected_version=1,
    )
    response = _exposure_post(client_for(cast.responder), incident, version="1", status="suspected")
    assert response.status_code == 409 and "it is now: Confirmed" in response.content.decode()


def test_the_exposure_editor_prefills_the_row(cast, incident):
    category = DataCategory.objects.get(slug="viewing-history")
    record_exposure(
        incident=incident,
        category=category,
        status="suspected",
        by=cast.commander,
        records=Range(5, 9),
    )
    body = (
        client_for(cast.responder)
        .get(f"/incidents/{incident.reference}/exposures/viewing-history/edit/", **HTMX)
        .content.decode()
    )
    assert body.lstrip().startswith('<tr id="exposure-viewing-history"')
    assert 'name="records_low" value="5"' in body and 'name="version" value="1"' in body


def test_notes_render_markdown_without_script(cast, incident):
    client = client_for(cast.responder)
    body = "**bold** <script>alert(1)</script> [x](javascript:alert(1)) " + HOSTILE
    response = client.post(f"/incidents/{incident.reference}/notes/", {"body": body}, **HTMX)
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert Note.objects.get().body == body.strip()


def test_an_empty_note_is_refused(cast, incident):
    response = client_for(cast.responder).post(
        f"/incidents/{incident.reference}/notes/", {"body": "  "}, **HTMX
    )
    assert response.status_code == 422 and not Note.objects.exists()


def test_hostile_text_in_every_field_is_escaped_everywhere(cast, incident):
    client = client_for(cast.commander)
    for field in ("title", "summary"):
        client.post(
            _field_url(incident, field),
            {"value": HOSTILE, "was": token_of(incident, field)},
            **HTMX,
        )
        incident.refresh_from_db()
    client.post(_field_url(incident, "tags"), {"value": "ok", "was": ""}, **HTMX)
    _exposure_post(client, incident, status="ruled_out", evidence=HOSTILE)
    client.post(f"/incidents/{incident.reference}/notes/", {"body": HOSTILE})
    transition(incident=incident, to="false_positive", by=cast.commander, reason=HOSTILE)
    for url in (
        "/incidents/",
        f"/incidents/{incident.reference}/",
        f"/incidents/{incident.reference}/?kind=notes",
    ):
        page = client.get(url).content.decode()
        assert HOSTILE not in page and "onerror=alert" not in page.replace(
            "onerror=alert(1)&gt;", ""
        ), url


def test_tags_with_markup_are_refused(cast, incident):
    response = client_for(cast.commander).post(
        _field_url(incident, "tags"), {"value": HOSTILE, "was": ""}, **HTMX
    )
    assert response.status_code == 422 and not incident.tags.exists()


@pytest.fixture
def many(cast):
    made = {}
    for severity, title in [
        ("sev1", "Exposed billing API"),
        ("sev2", "Phished admin"),
        ("sev3", "Lost laptop"),
        ("sev4", "Port scan"),
    ]:
        made[severity] = make_incident(by=cast.commander, title=title, severity=severity)
    update_field(
        incident=made["sev2"], field="assignees", value=[cast.responder], was="", by=cast.commander
    )
    update_field(incident=made["sev3"], field="tags", value=["laptop"], was="", by=cast.commander)
    update_field(
        incident=made["sev1"], field="commander", value=cast.commander, was="", by=cast.commander
    )
    record_exposure(
        incident=made["sev1"],
        category=DataCategory.objects.get(slug="financial-payment"),
        status="confirmed",
        by=cast.commander,
    )
    transition(incident=made["sev4"], to="false_positive", by=cast.commander, reason="scanner")
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"sev1", "sev2", "sev3", "sev4"}),
        ("q=billing", {"sev1"}),
        ("q=PHISHED+admin", {"sev2"}),
        ("severity=sev1&severity=sev3", {"sev1", "sev3"}),
        ("state=open", {"sev1", "sev2", "sev3"}),
        ("state=closed", {"sev4"}),
        ("status=false_positive", {"sev4"}),
        ("assignee=sam", {"sev2"}),
        ("commander=dana", {"sev1"}),
        ("category=financial-payment", {"sev1"}),
        ("tag=laptop", {"sev3"}),
        ("mine=on", {"sev2"}),
    ],
)
def test_the_list_filters(cast, many, query, expected):
    body = client_for(cast.responder).get(f"/incidents/?{query}").content.decode()
    shown = {severity for severity, incident in many.items() if incident.reference in body}
    assert shown == expected


def test_the_list_sorts_and_keeps_its_state_in_links(cast, many):
    body = client_for(cast.responder).get("/incidents/?sort=severity").content.decode()
    positions = [body.index(many[s].reference) for s in ("sev1", "sev2", "sev3", "sev4")]
    assert positions == sorted(positions)


def test_the_list_paginates_with_the_filters_in_the_links(cast):
    for n in range(55):
        make_incident(by=cast.commander, title=f"Bulk {n}")
    body = client_for(cast.responder).get("/incidents/?q=bulk").content.decode()
    assert "55 incidents, page 1 of 2" in body and 'href="?q=bulk&amp;page=2"' in body


def test_an_htmx_list_request_gets_only_the_results(cast, many):
    body = client_for(cast.responder).get("/incidents/?q=laptop", **HTMX).content.decode()
    assert body.lstrip().startswith('<div id="results">') and "<html" not in body


def test_bad_filters_are_reported_and_ignored(cast, many):
    body = (
        client_for(cast.responder).get("/incidents/?severity=sev9&assignee=ghost").content.decode()
    )
    assert "(ignored)" in body and all(i.reference in body for i in many.values())


def test_filtered_list_query_count_is_flat(cast, many, settings):
    from tests.test_incident_views import _queries_for

    settings.INCIDENT_LIST_CACHE = False  # a cache miss's queries; hits run fewer
    settings.INCIDENT_PAGE_CACHE = False
    client = client_for(cast.responder)
    url = "/incidents/?q=a&state=open&category=financial-payment&mine=on&sort=severity"
    client.get(url)  # warm the short-lived filter-options cache
    first = _queries_for(client, url)
    for n in range(20):
        make_incident(by=cast.commander, title=f"Other {n}")
    assert _queries_for(client, url) == first
    assert Incident.objects.count() == 24


def test_search_finds_systems_tags_evidence_and_notes(cast):
    from incidents.services.notes import add_note

    found = make_incident(by=cast.commander, title="Scraped videos")
    other = make_incident(by=cast.commander, title="Something else")
    update_field(
        incident=found,
        field="affected_systems",
        value=["internal-content-api"],
        was="",
        by=cast.commander,
    )
    update_field(incident=found, field="tags", value=["scraping"], was="", by=cast.commander)
    record_exposure(
        incident=found,
        category=DataCategory.objects.get(slug="financial-payment"),
        status="ruled_out",
        evidence="PCI segment has no route from the content API",
        by=cast.commander,
        backing_files=ruling_out_proof(found, by=cast.commander),
    )
    add_note(incident=found, body="Rate limiter deployed on the edge at 14:05", by=cast.commander)
    client = client_for(cast.responder)
    for query in ("internal-content-api", "scraping", "pci segment", "rate limiter"):
        body = client.get("/incidents/", {"q": query}).content.decode()
        assert found.reference in body and other.reference not in body, query
