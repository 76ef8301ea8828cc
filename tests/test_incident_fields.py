"""Editing incident fields: concurrency, key-time order, and what the log records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import BreachVector
from incidents.services import ServiceError
from incidents.services.incident_fields import EditConflict, token_of, update_field


def _edit(incident, field, value, by, was=None):
    return update_field(
        incident=incident,
        field=field,
        value=value,
        by=by,
        was=token_of(incident, field) if was is None else was,
    )


def test_a_field_edit_records_before_and_after(incident, cast):
    _edit(incident, "title", "Scraped internal API", cast.responder)
    event = incident.events.order_by("-seq").first()
    assert event.verb == "incident.field_changed"
    assert event.before == {"title": "Public incident"} and event.after == {
        "title": "Scraped internal API"
    }


def test_the_second_of_two_edits_to_the_same_field_conflicts_showing_the_current_value(
    incident, cast
):
    seen_by_both = token_of(incident, "title")
    _edit(incident, "title", "Dana's title", cast.commander, was=seen_by_both)
    with pytest.raises(EditConflict) as conflict:
        _edit(incident, "title", "Sam's title", cast.responder, was=seen_by_both)
    assert "it is now: Dana's title" in conflict.value.messages[0]
    incident.refresh_from_db()
    assert incident.title == "Dana's title"


def test_edits_to_different_fields_do_not_conflict(incident, cast):
    title_seen, severity_seen = token_of(incident, "title"), token_of(incident, "severity")
    _edit(incident, "title", "New title", cast.commander, was=title_seen)
    _edit(incident, "severity", "sev1", cast.responder, was=severity_seen)
    incident.refresh_from_db()
    assert (incident.title, incident.severity) == ("New title", "sev1")


def test_key_times_out_of_order_are_refused_naming_both(incident, cast):
    with pytest.raises(ServiceError) as error:
        _edit(incident, "contained_at", incident.detected_at - timedelta(hours=2), cast.commander)
    message = error.value.messages[0]
    assert message.startswith("Detected (") and "cannot be after Contained (" in message
    incident.refresh_from_db()
    assert incident.contained_at is None


def test_a_future_time_is_refused(incident, cast):
    with pytest.raises(ServiceError, match="in the future"):
        _edit(incident, "aware_at", timezone.now() + timedelta(days=1), cast.commander)


def test_list_fields_record_names_and_create_tags(incident, cast):
    _edit(incident, "tags", ["gdpr", "api"], cast.commander)
    _edit(incident, "assignees", [cast.responder, cast.comms], cast.commander)
    _edit(incident, "breach_vector", BreachVector.objects.get(slug="phishing"), cast.commander)
    events = list(incident.events.filter(verb="incident.field_changed").order_by("seq"))
    assert events[0].after == {"tags": ["api", "gdpr"]}
    assert events[1].after == {"assignees": ["casey", "sam"]}
    assert events[2].after == {"breach_vector": "Phishing"}


def test_saving_the_same_value_records_nothing(incident, cast):
    before = incident.event_seq
    _edit(incident, "title", incident.title, cast.commander)
    incident.refresh_from_db()
    assert incident.event_seq == before


def test_an_empty_title_is_refused(incident, cast):
    with pytest.raises(ServiceError, match="needs a title"):
        _edit(incident, "title", "  ", cast.commander)


def test_an_unknown_field_is_refused(incident, cast):
    with pytest.raises(ServiceError, match="cannot be edited"):
        update_field(incident=incident, field="restricted", value=True, was="", by=cast.commander)


def test_an_earlier_awareness_moves_a_detection_time_breachroom_assumed(cast):
    from incidents.services.incidents import open_incident

    opened = open_incident(title="Scraped API", by=cast.commander)
    assert opened.detected_assumed is True
    earlier = opened.detected_at - timedelta(hours=3)
    _edit(opened, "aware_at", earlier, cast.commander)
    opened.refresh_from_db()
    assert (opened.aware_at, opened.detected_at) == (earlier, earlier)
    event = opened.events.order_by("-seq").first()
    assert set(event.after) == {"aware_at", "detected_at"}  # the log says both moved


def test_a_detection_time_a_person_entered_is_never_moved_by_awareness(cast):
    from incidents.services.incidents import open_incident

    detected = timezone.now() - timedelta(hours=1)
    opened = open_incident(title="Scraped API", by=cast.commander, detected_at=detected)
    assert opened.detected_assumed is False
    with pytest.raises(ServiceError, match="cannot be after Became aware"):
        _edit(opened, "aware_at", detected - timedelta(hours=2), cast.commander)
    opened.refresh_from_db()
    assert opened.detected_at == detected and opened.aware_at is None


def test_editing_detection_makes_it_a_persons_and_no_longer_assumed(cast):
    from incidents.services.incidents import open_incident

    opened = open_incident(title="Scraped API", by=cast.commander)
    when = opened.detected_at - timedelta(hours=5)
    _edit(opened, "detected_at", when, cast.commander)
    opened.refresh_from_db()
    assert opened.detected_assumed is False
    with pytest.raises(ServiceError):
        _edit(opened, "aware_at", when - timedelta(hours=1), cast.commander)


def test_confirming_an_assumed_detection_time_is_logged_even_unchanged(cast):
    from incidents.services.incidents import open_incident

    opened = open_incident(title="Scraped API", by=cast.commander)
    _edit(opened, "detected_at", opened.detected_at, cast.commander)
    opened.refresh_from_db()
    assert opened.detected_assumed is False
    event = opened.events.order_by("-seq").first()
    assert event.verb == "incident.field_changed"
    assert event.before["detected_assumed"] is True and event.after["detected_assumed"] is False
