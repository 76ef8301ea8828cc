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


def test_closing_as_false_positive_needs_a_reason(incident, cast):
    with pytest.raises(ServiceError, match="needs a reason"):
        transition(incident=incident, to=Status.FALSE_POSITIVE, by=cast.commander)
    moved = transition(
        incident=incident, to=Status.FALSE_POSITIVE, by=cast.commander, reason="test traffic"
    )
    assert moved.events.get(seq=2).after == {"status": "false_positive", "reason": "test traffic"}


def test_an_unknown_status_is_refused(incident, cast):
    with pytest.raises(ServiceError, match="Unknown status"):
        transition(incident=incident, to="exploded", by=cast.commander)


def test_moving_to_the_current_status_records_nothing(incident, cast):
    transition(incident=incident, to=Status.NEW, by=cast.commander)
    incident.refresh_from_db()
    assert incident.event_seq == 1
