"""The security log: appended in order, hash-chained, append-only in PostgreSQL, and
verified by verify_audit like an incident's chain (altered, removed or truncated rows named)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from incidents.audit import verify_security_log
from incidents.models import SecurityEvent
from incidents.services import security_log
from tests.factories import make_user


def _tamper(sql: str) -> None:
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE incidents_securityevent DISABLE TRIGGER "
                "incidents_securityevent_append_only"
            )
        cursor.execute(sql)
        if postgres:
            cursor.execute(
                "ALTER TABLE incidents_securityevent ENABLE TRIGGER "
                "incidents_securityevent_append_only"
            )


@pytest.fixture
def logged(db):
    admin = make_user("admin", "ada")
    for verb in ("sign_in.succeeded", "sign_in.failed", "role.granted"):
        security_log.record(verb, actor=admin, details={"who": "sam"})
    return admin


def test_events_are_chained_in_order_and_verify(logged):
    events = list(SecurityEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert verify_security_log().intact
    call_command("verify_audit")


def test_an_altered_event_is_named(logged):
    _tamper("UPDATE incidents_securityevent SET verb = 'nothing.happened' WHERE seq = 2")
    result = verify_security_log()
    assert (result.broken_at, result.reason) == (2, "content does not match its hash (altered)")
    with pytest.raises(CommandError, match="security-log: broken at seq 2"):
        call_command("verify_audit")


def test_a_removed_last_event_is_named_against_the_head_row(logged):
    _tamper("DELETE FROM incidents_securityevent WHERE seq = 3")
    result = verify_security_log()
    assert result.broken_at == 3 and "the log's head row records 3" in result.reason


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_change_or_delete_an_event(logged):
    for sql in (
        "UPDATE incidents_securityevent SET verb = 'x'",
        "DELETE FROM incidents_securityevent",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert SecurityEvent.objects.count() == 3


def test_a_duplicate_sequence_number_cannot_be_written(logged):
    event = SecurityEvent.objects.get(seq=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        SecurityEvent.objects.create(
            seq=3,
            occurred_at=event.occurred_at,
            actor_label="x",
            verb="x",
            prev_hash=event.hash,
            hash=event.hash,
        )
