"""The Art. 33(5) breach register export."""

import csv
import io

from incidents.models import DataCategory
from incidents.services.exposures import Range, record_exposure
from tests.conftest import client_for
from tests.factories import make_incident


def _rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_register_lists_incidents_with_personal_data_the_reader_may_see(
    cast, incident, restricted
):
    viewing = DataCategory.objects.get(slug="viewing-history")
    record_exposure(
        incident=incident,
        category=viewing,
        status="suspected",
        by=cast.commander,
        people=Range(10, 20),
        people_by_jurisdiction={"DE": 10},
    )
    record_exposure(incident=restricted, category=viewing, status="confirmed", by=cast.commander)
    internal = make_incident(by=cast.commander, title="Internal only")
    record_exposure(
        incident=internal,
        category=DataCategory.objects.get(slug="internal-architecture"),
        status="confirmed",
        by=cast.commander,
    )
    rows = _rows(client_for(cast.outsider).get("/register.csv"))
    assert [r["reference"] for r in rows] == [incident.reference]
    assert rows[0]["people_affected"] == "10–20" and "GDPR Art. 33" in rows[0]["duties"]
    assert rows[0]["decision"] == "not notified; risk not assessed"
    assert client_for(cast.norole).get("/register.csv").status_code == 403  # no role page


def test_cells_that_look_like_formulas_are_defused(cast):
    hostile = make_incident(by=cast.commander, title='=HYPERLINK("http://evil.example","click")')
    record_exposure(
        incident=hostile,
        category=DataCategory.objects.get(slug="contact-details"),
        status="confirmed",
        by=cast.commander,
    )
    [row] = _rows(client_for(cast.commander).get("/register.csv"))
    assert row["title"].startswith("'=HYPERLINK")


def test_the_register_records_each_duty_and_the_reason_it_was_waived(cast, incident):
    from incidents.services import obligations

    record_exposure(
        incident=incident,
        category=DataCategory.objects.get(slug="viewing-history"),
        status="confirmed",
        by=cast.commander,
        people=Range(5, 5),
        people_by_jurisdiction={"FR": 5},
    )
    duty = incident.obligations.get(rule_id="eu-gdpr-art33")
    obligations.waive(obligation=duty, by=cast.commander, reason="hashed ids, no risk")
    [row] = _rows(client_for(cast.commander).get("/register.csv"))
    assert "GDPR Art. 33 — notify the supervisory authority (5 people): waived" in row["duties"]
    assert "waived by hand (override): hashed ids, no risk" in row["decision"]
