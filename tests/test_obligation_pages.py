"""Deciding duties in the page, the dashboard across incidents, and the regulator pack."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import DataCategory, Event, Obligation, ObligationState
from incidents.realtime.frames import Watcher, incident_frames
from incidents.regulation.pack import build_pack
from incidents.services.exposures import record_exposure
from incidents.services.incident_fields import token_of, update_field
from tests.conftest import client_for
from tests.factories import expose_people, make_incident, set_aware

HTMX = {"HTTP_HX_REQUEST": "true"}
HOSTILE = "<img src=x onerror=alert(1)>"


def _breach(cast, incident, hours_ago: float = 2):
    set_aware(incident, by=cast.commander, when=timezone.now() - timedelta(hours=hours_ago))
    expose_people(incident, by=cast.commander, per_place={"DE": 50})
    incident.refresh_from_db()
    return incident


def _art33(incident) -> Obligation:
    return Obligation.objects.get(incident=incident, rule_id="eu-gdpr-art33")


def test_a_filing_without_its_reference_is_refused_in_place_and_writes_nothing(cast, incident):
    _breach(cast, incident)
    before = Event.objects.count()
    response = client_for(cast.comms).post(
        f"/incidents/{incident.reference}/obligations/{_art33(incident).pk}/meet/",
        {"filed_at": "2026-11-20T10:00", "reference": ""},
        **HTMX,
    )
    assert response.status_code == 422
    assert "needs the reference number" in response.content.decode()
    assert Event.objects.count() == before and _art33(incident).state == ObligationState.OPEN
    wrong_type = client_for(cast.comms).post(
        f"/incidents/{incident.reference}/obligations/{_art33(incident).pk}/meet/",
        {"filed_at": "yesterday", "reference": "X", "notice": "abc"},
        **HTMX,
    )
    assert wrong_type.status_code == 422 and Event.objects.count() == before


def test_a_duty_of_another_incident_is_404(cast, incident):
    other = _breach(cast, make_incident(by=cast.commander, title="Other"))
    response = client_for(cast.comms).post(
        f"/incidents/{incident.reference}/obligations/{_art33(other).pk}/waive/",
        {"reason": "no"},
    )
    assert response.status_code == 404 and _art33(other).state == ObligationState.OPEN


def test_waiving_in_the_page_shows_the_reason_escaped(cast, incident):
    _breach(cast, incident)
    response = client_for(cast.commander).post(
        f"/incidents/{incident.reference}/obligations/{_art33(incident).pk}/waive/",
        {"reason": f"unlikely to result in a risk {HOSTILE}"},
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Waived" in body
    assert HOSTILE not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert _art33(incident).state == ObligationState.WAIVED


def test_a_late_filing_in_the_page_asks_for_the_reasons(cast, incident):
    _breach(cast, incident, hours_ago=100)
    url = f"/incidents/{incident.reference}/obligations/{_art33(incident).pk}/meet/"
    filed = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    refused = client_for(cast.comms).post(url, {"filed_at": filed, "reference": "BfDI-1"}, **HTMX)
    assert refused.status_code == 422 and "reasons for the delay" in refused.content.decode()
    accepted = client_for(cast.comms).post(
        url,
        {"filed_at": filed, "reference": "BfDI-1", "late_reason": "scope unknown until day 4"},
        **HTMX,
    )
    body = accepted.content.decode()
    assert accepted.status_code == 200 and "late" in body and "scope unknown until day 4" in body


def test_the_dashboard_orders_by_deadline_and_hides_what_the_user_may_not_see(
    cast, incident, restricted
):
    _breach(cast, incident, hours_ago=2)
    _breach(cast, restricted, hours_ago=60)  # due sooner
    member = client_for(cast.responder).get("/obligations/").content.decode()
    assert member.index(restricted.reference) < member.index(incident.reference)
    outsider = client_for(cast.outsider).get("/obligations/").content.decode()
    assert incident.reference in outsider and restricted.reference not in outsider
    assert client_for(cast.norole).get("/obligations/").status_code == 403  # no role page
    waived = client_for(cast.responder).get("/obligations/?state=waived").content.decode()
    assert "No waived duties" in waived
    assert client_for(cast.responder).get("/obligations/?state=<script>").status_code == 200


def test_the_dashboard_query_count_does_not_grow_with_duties(
    cast, incident, django_assert_num_queries
):
    _breach(cast, incident)
    client = client_for(cast.responder)
    client.get("/obligations/")  # warm the session and caches
    with django_assert_num_queries(_queries(client)) as few:
        client.get("/obligations/")
    for n in range(6):
        _breach(cast, make_incident(by=cast.commander, title=f"More {n}"))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/obligations/")


def _queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get("/obligations/")
    return len(captured.captured_queries)


def test_a_live_frame_after_an_exposure_carries_the_new_duty(cast, incident):
    seq = incident.event_seq
    _breach(cast, incident)
    watcher = Watcher(cast.responder.pk, seq, None, "UTC")
    frame = incident_frames(incident.pk, [watcher])[watcher]
    assert frame is not None
    html = frame.html
    assert 'id="obligations"' in html and "GDPR Art. 33" in html
    assert "Duty now applies: GDPR Art. 33" in html  # the timeline line


def test_the_regulator_pack_lists_what_is_missing_then_fills_it(cast, incident):
    _breach(cast, incident)
    pack = build_pack(incident)
    missing = {e.label for e in pack.missing}
    assert missing == {
        "Nature of the breach",
        "Contact point (DPO or other)",
        "Likely consequences",
        "Measures taken or proposed",
    }
    page = client_for(cast.auditor).get(f"/incidents/{incident.reference}/regulator-pack/")
    body = page.content.decode()
    assert page.status_code == 200 and "4 elements GDPR Art. 33(3) asks for are missing" in body
    assert "Assess the risk to people (ENISA method)." in body

    pdf = client_for(cast.auditor).get(f"/incidents/{incident.reference}/regulator-pack.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = _pdf_text(pdf.content)
    assert "MISSING: Assess the risk to people (ENISA method)." in text
    assert "[DUE] GDPR Art. 33" in text and "Became aware: " in text
    assert re.search(r"0\.7\d+ 0 0 rg", text), "missing elements are printed in red"


def test_a_complete_record_has_nothing_missing(cast, incident):
    from decimal import Decimal

    from incidents.models import BreachVector
    from incidents.services.risk import assess_risk

    _breach(cast, incident)
    cast.commander.email = "dana@example.test"
    cast.commander.save()
    update_field(incident=incident, field="commander", value=cast.commander, was="", by=cast.admin)
    incident.refresh_from_db()
    update_field(
        incident=incident,
        field="breach_vector",
        value=BreachVector.objects.first(),
        was=token_of(incident, "breach_vector"),
        by=cast.commander,
    )
    assess_risk(
        incident=incident,
        by=cast.commander,
        dpc=Decimal("2"),
        dpc_rationale="behavioural data",
        ei=Decimal("0.5"),
        ei_rationale="pseudonymous ids",
        confidentiality=Decimal("0.5"),
        integrity=Decimal("0"),
        availability=Decimal("0"),
        malicious=False,
        cb_rationale="read by an unknown party",
    )
    from incidents.models import Playbook, PlaybookItem
    from incidents.seed import seed_playbooks
    from incidents.services.checklists import apply_playbook, set_item_state

    seed_playbooks(Playbook, PlaybookItem)
    apply_playbook(
        incident=incident,
        playbook=Playbook.objects.get(slug="exposed-internal-api-endpoint"),
        by=cast.commander,
    )
    set_item_state(
        item=incident.checklist.get(key="open-and-assess"), state="done", by=cast.commander
    )
    # Measures taken are mitigation: a responder's step, not opening the incident.
    assert build_pack(incident).missing[-1].label == "Measures taken or proposed"
    set_item_state(
        item=incident.checklist.get(key="segment-network"), state="done", by=cast.commander
    )
    record_exposure(
        incident=incident,
        category=DataCategory.objects.get(slug="internal-architecture"),
        status="confirmed",
        by=cast.commander,
    )
    incident.refresh_from_db()
    pack = build_pack(incident)
    assert pack.missing == []
    [categories] = [e for e in pack.elements if e.label.startswith("Categories of personal")]
    assert categories.text.startswith("- Behavioural") and "Internal" not in categories.text


def _pdf_text(data: bytes) -> str:
    """The page content streams, inflated: enough to find the words and colours."""
    chunks = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            chunks.append(raw.decode("latin-1"))
    return "\n".join(chunks).replace("\\(", "(").replace("\\)", ")")


@pytest.fixture(autouse=True)
def _utc(settings):
    settings.TIME_ZONE = "UTC"


def test_a_served_duties_section_turns_overdue_at_the_deadline_not_at_the_next_change(
    cast, incident, monkeypatch
):
    from django.core.cache import cache

    cache.clear()
    _breach(cast, incident, hours_ago=70)  # Art. 33's 72 hours end in two hours
    deadline = _art33(incident).deadline
    client = client_for(cast.responder)
    page = client.get(f"/incidents/{incident.reference}/").content.decode()
    assert f'data-refresh-at="{deadline.isoformat()}"' in page
    assert "Overdue" not in page
    # Past the deadline, with nothing written since: the stored section is not served.
    monkeypatch.setattr("django.utils.timezone.now", lambda: deadline + timedelta(minutes=1))
    assert "Overdue" in client.get(f"/incidents/{incident.reference}/").content.decode()
