"""verify_audit names the first broken link; PostgreSQL refuses edits to the log itself."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, InternalError, OperationalError, ProgrammingError, transaction

from incidents.models import Event, EventOutbox, Status
from incidents.services.incidents import transition
from tests.services import require_postgres
from tests.tamper import tamper


@pytest.fixture
def history(incident, cast):
    transition(incident=incident, to=Status.TRIAGE, by=cast.responder)
    transition(incident=incident, to=Status.CONTAINMENT, by=cast.responder)
    transition(incident=incident, to=Status.ERADICATION, by=cast.commander)
    EventOutbox.objects.all().delete()  # published, as the relay would have done
    return incident


def _verify_failure() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")
    assert failure.value.returncode == 1
    return str(failure.value)


def test_intact_chains_pass_with_a_one_line_summary(history, capsys):
    call_command("verify_audit")
    summary, note = capsys.readouterr().out.strip().splitlines()
    assert summary == (
        "audit ok: 1 incidents, 4 events, all chains intact; security log: 0 events, chain intact"
    )
    # Said, not hidden: without a checkpoint a rewrite that recomputes every hash would pass.
    assert note == "note: no checkpoint has been made yet: only the hash chains were checked"


def test_an_altered_row_is_named_by_incident_and_seq(history):
    tamper(
        "UPDATE incidents_event SET after = %s WHERE incident_id = %s AND seq = 3",
        ['{"status": "eradication"}', history.pk],
    )
    message = _verify_failure()
    assert f"{history.reference}: broken at seq 3" in message
    assert "altered" in message


def test_a_removed_row_in_the_middle_is_named(history):
    tamper("DELETE FROM incidents_event WHERE incident_id = %s AND seq = 2", [history.pk])
    assert f"{history.reference}: broken at seq 2" in _verify_failure()


def test_a_removed_tail_is_named(history):
    tamper("DELETE FROM incidents_event WHERE incident_id = %s AND seq = 4", [history.pk])
    message = _verify_failure()
    assert f"{history.reference}: broken at seq 4" in message and "removed" in message


def test_an_inserted_row_is_named(history):
    last = Event.objects.get(incident=history, seq=4)
    tamper(
        "INSERT INTO incidents_event (incident_id, seq, occurred_at, actor_label, verb,"
        " before, after, prev_hash, hash)"
        " VALUES (%s, 5, %s, 'mallory', 'incident.status_changed', '{}', '{}', %s, %s)",
        [history.pk, last.occurred_at, last.hash, "f" * 64],
    )
    assert f"{history.reference}: broken at seq 5" in _verify_failure()


def test_postgresql_refuses_update_of_an_event(history):
    require_postgres()
    with (
        pytest.raises(
            (InternalError, ProgrammingError, OperationalError, IntegrityError), match="append-only"
        ),
        transaction.atomic(),
    ):
        Event.objects.filter(incident=history, seq=2).update(verb="incident.nothing")
    assert Event.objects.get(incident=history, seq=2).verb == "incident.status_changed"


def test_postgresql_refuses_delete_of_an_event(history):
    require_postgres()
    with (
        pytest.raises(
            (InternalError, ProgrammingError, OperationalError, IntegrityError), match="append-only"
        ),
        transaction.atomic(),
    ):
        Event.objects.filter(incident=history, seq=2).delete()
    assert Event.objects.filter(incident=history).count() == 4
