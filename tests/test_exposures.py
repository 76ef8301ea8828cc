"""Exposures: one per data category, ranges, jurisdictions, evidence to rule out."""

import pytest

from incidents.models import DataCategory, Exposure
from incidents.selectors.incidents import exposure_matrix
from incidents.services import ServiceError
from incidents.services.exposures import Range, record_exposure
from incidents.services.incident_fields import EditConflict
from tests.factories import ruling_out_proof


@pytest.fixture
def viewing(db):
    return DataCategory.objects.get(slug="viewing-history")


def test_recording_an_exposure_writes_it_and_its_event(incident, cast, viewing):
    exposure = record_exposure(
        incident=incident,
        category=viewing,
        status="suspected",
        by=cast.responder,
        records=Range(2_000_000, 8_000_000),
        people=Range(400_000, 1_200_000),
        jurisdictions=["US-CA", "DE"],
    )
    assert (exposure.people_low, exposure.people_high, exposure.jurisdictions) == (
        400_000,
        1_200_000,
        ["DE", "US-CA"],
    )
    event = incident.events.get(verb="exposure.recorded")
    assert event.before == {} and event.after["status"] == "suspected"
    assert event.after["people"] == [400_000, 1_200_000]


def test_ruling_out_needs_evidence(incident, cast, viewing):
    with pytest.raises(ServiceError, match="needs an evidence note"):
        record_exposure(incident=incident, category=viewing, status="ruled_out", by=cast.responder)
    assert not Exposure.objects.exists()


def test_a_reversed_range_is_refused(incident, cast, viewing):
    with pytest.raises(ServiceError, match=r"low estimate \(500\) is above the high one \(100\)"):
        record_exposure(
            incident=incident,
            category=viewing,
            status="suspected",
            by=cast.responder,
            people=Range(500, 100),
        )


def test_a_single_number_is_an_exact_count(incident, cast, viewing):
    exposure = record_exposure(
        incident=incident,
        category=viewing,
        status="confirmed",
        by=cast.responder,
        records=Range(None, 37),
    )
    assert (exposure.records_low, exposure.records_high) == (37, 37)


def test_unknown_jurisdictions_are_refused(incident, cast, viewing):
    with pytest.raises(ServiceError, match=r"Unknown jurisdiction code.*XX"):
        record_exposure(
            incident=incident,
            category=viewing,
            status="suspected",
            by=cast.responder,
            jurisdictions=["DE", "XX"],
        )


def test_a_stale_editor_gets_a_conflict(incident, cast, viewing):
    record_exposure(incident=incident, category=viewing, status="suspected", by=cast.responder)
    record_exposure(
        incident=incident,
        category=viewing,
        status="confirmed",
        by=cast.commander,
        expected_version=1,
    )
    with pytest.raises(EditConflict, match="it is now: Confirmed"):
        record_exposure(
            incident=incident,
            category=viewing,
            status="ruled_out",
            evidence="x",
            by=cast.responder,
            expected_version=1,
        )
    with pytest.raises(EditConflict):  # a 'new' one for a category someone else just recorded
        record_exposure(incident=incident, category=viewing, status="suspected", by=cast.responder)


def test_the_matrix_totals_ranges_by_status(incident, cast, viewing):
    contact = DataCategory.objects.get(slug="contact-details")
    payment = DataCategory.objects.get(slug="financial-payment")
    record_exposure(
        incident=incident,
        category=viewing,
        status="confirmed",
        by=cast.responder,
        people=Range(100, 200),
    )
    record_exposure(
        incident=incident,
        category=contact,
        status="confirmed",
        by=cast.responder,
        people=Range(50, 50),
    )
    record_exposure(
        incident=incident,
        category=payment,
        status="ruled_out",
        by=cast.responder,
        evidence="separate segment",
        backing_files=ruling_out_proof(incident, by=cast.responder),
    )
    matrix = exposure_matrix(incident)
    # confirmed first, then by name ("Behavioural data..." before "Contact details")
    assert [e.category.slug for e in matrix.rows] == [
        "viewing-history",
        "contact-details",
        "financial-payment",
    ]
    assert matrix.totals["confirmed"]["people"] == (150, 250)
    assert matrix.totals["ruled_out"]["count"] == 1 and matrix.totals["suspected"]["count"] == 0
