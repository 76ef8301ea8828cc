"""Notification duties shown on the incident, computed from recorded exposures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import DataCategory
from incidents.services import ServiceError
from incidents.services.exposures import Range, record_exposure
from incidents.services.incident_fields import token_of, update_field
from tests.conftest import client_for

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def aware_incident(cast, incident):
    aware = timezone.now() - timedelta(hours=2)
    update_field(
        incident=incident,
        field="detected_at",
        value=aware - timedelta(hours=1),
        was=token_of(incident, "detected_at"),
        by=cast.commander,
    )
    update_field(incident=incident, field="aware_at", value=aware, was="", by=cast.commander)
    return incident


def _viewing():
    return DataCategory.objects.get(slug="viewing-history")


def test_people_per_jurisdiction_must_add_up(cast, incident):
    with pytest.raises(
        ServiceError,
        match="add up to 700, more than the high estimate of people affected \\(500\\)",
    ):
        record_exposure(
            incident=incident,
            category=_viewing(),
            status="suspected",
            by=cast.commander,
            people=Range(100, 500),
            people_by_jurisdiction={"US-CA": 600, "US-TX": 100},
        )
    with pytest.raises(ServiceError, match="Unknown jurisdiction code"):
        record_exposure(
            incident=incident,
            category=_viewing(),
            status="suspected",
            by=cast.commander,
            people_by_jurisdiction={"XX": 1},
        )


def test_the_incident_shows_duties_with_deadlines_and_why(cast, aware_incident):
    record_exposure(
        incident=aware_incident,
        category=_viewing(),
        status="suspected",
        by=cast.commander,
        people=Range(1000, 2000),
        people_by_jurisdiction={"US-CA": 600, "DE": 900},
    )
    page = (
        client_for(cast.responder).get(f"/incidents/{aware_incident.reference}/").content.decode()
    )
    assert "GDPR Art. 33 — notify the supervisory authority" in page
    assert "California — sample notice to the Attorney General" in page  # 600 > 500
    assert "in 2 d 21 h" in page or "in 2 d 22 h" in page  # 72 h from 2 h ago
    assert "rule text checked 1 Dec 2026" in page
    assert "may be given in phases" in page  # GDPR Art. 33(4)
    assert "Texas" in page and "no people affected in US-TX" in page  # listed under 'why not'


def test_the_exposure_form_reads_people_next_to_each_jurisdiction(cast, aware_incident):
    response = client_for(cast.responder).post(
        f"/incidents/{aware_incident.reference}/exposures/save/",
        {
            "category": "viewing-history",
            "status": "confirmed",
            "people_low": "10",
            "people_high": "300",
            "place": ["us-tx", "Germany", "FR", ""],
            "place_people": ["250", "40", "", ""],
            "disclosed": "on",
        },
        **HTMX,
    )
    assert response.status_code == 200
    exposure = aware_incident.exposures.get()
    assert exposure.people_by_jurisdiction == {"DE": 40, "US-TX": 250}
    assert exposure.jurisdictions == ["DE", "FR", "US-TX"]
    assert exposure.split_unknown == ["FR"]


@pytest.mark.parametrize(
    ("places", "people", "message"),
    [
        (["US-CA"], ["lots"], "a whole number, or blank"),
        (["XX"], ["5"], "Unknown jurisdiction “XX”"),
        (["DE", "de"], ["1", "2"], "DE is listed twice"),
        ([""], ["40"], "say in which jurisdiction"),
        (["DE", "FR"], ["200", "200"], "more than the high estimate"),
    ],
)
def test_bad_people_per_jurisdiction_is_refused_with_nothing_written(
    cast, aware_incident, places, people, message
):
    bad = client_for(cast.responder).post(
        f"/incidents/{aware_incident.reference}/exposures/save/",
        {
            "category": "contact-details",
            "status": "confirmed",
            "people_high": "300",
            "place": places,
            "place_people": people,
            "disclosed": "on",
        },
        **HTMX,
    )
    assert bad.status_code == 422 and message in bad.content.decode()
    assert not aware_incident.exposures.exists()
    assert not aware_incident.events.filter(verb="exposure.recorded").exists()


def test_every_place_counted_and_no_estimate_makes_the_estimate_their_sum(cast, aware_incident):
    client_for(cast.responder).post(
        f"/incidents/{aware_incident.reference}/exposures/save/",
        {
            "category": "viewing-history",
            "status": "confirmed",
            "place": ["DE", "GB"],
            "place_people": ["1,000", "250"],
            "disclosed": "on",
        },
        **HTMX,
    )
    exposure = aware_incident.exposures.get()
    assert (exposure.people_low, exposure.people_high) == (1250, 1250)


def test_a_missing_awareness_time_is_called_out(cast, incident):
    record_exposure(
        incident=incident,
        category=_viewing(),
        status="suspected",
        by=cast.commander,
        people_by_jurisdiction={"FR": 5},
    )
    page = client_for(cast.responder).get(f"/incidents/{incident.reference}/").content.decode()
    assert "Record when the team became aware: the deadlines count from it." in page
