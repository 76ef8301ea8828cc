import pytest
from django.db import transaction

from incidents.audit import recompute_hash, verify_incident
from incidents.models import GENESIS_HASH, Event, EventOutbox, Status
from incidents.services import ServiceError
from incidents.services.events import append_event
from incidents.services.incidents import open_incident, transition


def test_opening_an_incident_writes_its_first_event_and_outbox_row(cast):
    incident = open_incident(title="Scraped API", by=cast.commander, severity="sev1")
    event = incident.events.get()
    assert (event.seq, event.verb, event.actor, event.prev_hash) == (
        1,
        "incident.opened",
        cast.commander,
        GENESIS_HASH,
    )
    assert event.after["title"] == "Scraped API"
    assert incident.event_seq == 1 and incident.head_hash == event.hash
    assert EventOutbox.objects.filter(event=event, seq=1).exists()


def test_references_count_up_per_year(cast):
    first = open_incident(title="One", by=cast.commander)
    second = open_incident(title="Two", by=cast.commander)
    year = first.created_at.year
    assert first.reference == f"INC-{year}-0001"
    assert second.reference == f"INC-{year}-0002"


def test_each_event_hash_chains_to_the_previous_one(incident, cast):
    transition(incident=incident, to=Status.TRIAGE, by=cast.responder)
    transition(incident=incident, to=Status.CONTAINMENT, by=cast.responder)
    events = list(incident.events.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert all(recompute_hash(e, incident.reference) == e.hash for e in events)
    assert verify_incident(incident).intact


def test_status_change_records_before_and_after(incident, cast):
    transition(incident=incident, to=Status.TRIAGE, by=cast.responder)
    event = incident.events.get(seq=2)
    assert event.before == {"status": "new"}
    assert event.after == {"status": "triage"}
    assert event.actor_label == "sam"


@pytest.mark.django_db(transaction=True)
def test_append_event_outside_a_transaction_is_refused(incident):
    with pytest.raises(AssertionError):
        append_event(incident=incident, verb="note.added")


def test_a_failed_step_rolls_back_its_event_with_the_change(incident, cast):
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(incident=incident, to=Status.TRIAGE, by=cast.responder)
        raise RuntimeError("crash after the event was written")
    incident.refresh_from_db()
    assert incident.status == Status.NEW
    assert incident.event_seq == 1
    assert Event.objects.filter(incident=incident).count() == 1


def test_opening_without_a_title_writes_nothing(cast):
    with pytest.raises(ServiceError, match="needs a title"):
        open_incident(title="   ", by=cast.commander)
    assert Event.objects.count() == 0


def test_non_string_values_are_stored_so_they_rehash_identically(incident):
    import datetime as dt

    with transaction.atomic():
        event = append_event(
            incident=incident,
            verb="test.values",
            after={"when": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "n": 3, "xs": (1, "a")},
        )
    stored = Event.objects.get(pk=event.pk)
    assert stored.after == {"when": "2026-01-02T03:04:05+00:00", "n": 3, "xs": [1, "a"]}
    assert recompute_hash(stored, incident.reference) == stored.hash
