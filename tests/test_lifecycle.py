import pytest

from incidents.models import Status
from incidents.models.lifecycle import TRANSITIONS
from incidents.services import ServiceError
from incidents.services.incidents import transition


def test_every_status_has_a_row_in_the_transition_table():
    assert set(TRANSITIONS) == set(Status.values)
    assert all(set(moves) <= set(Status.values) for moves in TRANSITIONS.values())


def test_an_allowed_move_changes_the_status(incident, cast):
    moved = transition(incident=incident, to=Status.TRIAGE, by=cast.commander)
    assert moved.status == Status.TRIAGE


def test_an_illegal_move_is_refused_naming_the_allowed_ones(incident, cast):
    with pytest.raises(ServiceError) as error:
        transition(incident=incident, to=Status.RECOVERY, by=cast.commander)
    text = " ".join(error.value.messages)
    assert "Cannot move from New to Recovery" in text
    assert "Triage" in text and "false positive" in text
    incident.refresh_from_db()
    assert incident.status == Status.NEW and incident.event_seq == 1


def test_closing_as_false_positive_needs_a_resolution_summary(incident, cast):
    with pytest.raises(ServiceError, match="needs a resolution summary"):
        transition(incident=incident, to=Status.FALSE_POSITIVE, by=cast.commander)
    moved = transition(
        incident=incident, to=Status.FALSE_POSITIVE, by=cast.commander, reason="test traffic"
    )
    after = moved.events.get(seq=2).after
    assert after["status"] == "false_positive" and after["reason"] == "test traffic"
    assert moved.resolution == "test traffic" and moved.closed_at is not None
    assert after["closed_at"] == moved.closed_at.isoformat()


def test_stepping_back_needs_a_reason(incident, cast):
    transition(incident=incident, to=Status.TRIAGE, by=cast.commander)
    transition(incident=incident, to=Status.CONTAINMENT, by=cast.commander)
    with pytest.raises(ServiceError, match="Moving to Triage needs a reason"):
        transition(incident=incident, to=Status.TRIAGE, by=cast.commander)


def test_entering_a_phase_records_when_the_previous_one_ended(incident, cast):
    for status in (Status.TRIAGE, Status.CONTAINMENT, Status.ERADICATION):
        incident = transition(incident=incident, to=status, by=cast.commander)
    assert incident.contained_at is not None and incident.eradicated_at is None
    incident = transition(incident=incident, to=Status.RECOVERY, by=cast.commander)
    assert incident.eradicated_at >= incident.contained_at


def test_an_existing_time_is_not_overwritten_by_the_lifecycle(incident, cast):
    from datetime import timedelta

    from django.utils import timezone

    from incidents.services.incident_fields import token_of, update_field

    earlier = timezone.now() - timedelta(hours=3)
    update_field(
        incident=incident,
        field="detected_at",
        value=earlier - timedelta(hours=1),
        was=token_of(incident, "detected_at"),
        by=cast.commander,
    )
    update_field(
        incident=incident,
        field="contained_at",
        value=earlier,
        was=token_of(incident, "contained_at"),
        by=cast.commander,
    )
    for status in (Status.TRIAGE, Status.CONTAINMENT, Status.ERADICATION):
        incident = transition(incident=incident, to=status, by=cast.commander)
    assert incident.contained_at == earlier


def test_closing_as_duplicate_names_the_original(incident, cast):
    from tests.factories import make_incident

    original = make_incident(by=cast.commander, title="The first report")
    with pytest.raises(ServiceError, match="reference of the original"):
        transition(incident=incident, to=Status.DUPLICATE, by=cast.commander, reason="dup")
    with pytest.raises(ServiceError, match="duplicate of itself"):
        transition(
            incident=incident,
            to=Status.DUPLICATE,
            by=cast.commander,
            reason="dup",
            duplicate_of=incident,
        )
    moved = transition(
        incident=incident,
        to=Status.DUPLICATE,
        by=cast.commander,
        reason="dup",
        duplicate_of=original,
    )
    assert moved.duplicate_of == original
    assert moved.events.get(seq=2).after["duplicate_of"] == original.reference


def test_an_unknown_status_is_refused(incident, cast):
    with pytest.raises(ServiceError, match="Unknown status"):
        transition(incident=incident, to="exploded", by=cast.commander)


def test_moving_to_the_current_status_records_nothing(incident, cast):
    transition(incident=incident, to=Status.NEW, by=cast.commander)
    incident.refresh_from_db()
    assert incident.event_seq == 1
