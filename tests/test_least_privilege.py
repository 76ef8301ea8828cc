"""The application connects as a role that owns nothing: it reads and writes what it must,
appends to the event log, the security log and the checkpoints, and is refused UPDATE,
DELETE, TRUNCATE and ALTER on them. Proven over a real connection as that role (PostgreSQL;
the embedded SQLite default has no roles)."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from incidents.services.notes import add_note
from tests.services import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_role(db):
    require_postgres()
    role = f"breachroom_app_{uuid.uuid4().hex[:8]}"
    settings = connection.settings_dict
    call_command("grant_app_role", f"postgres://{role}:s3cret@{settings['HOST']}/x")
    yield role
    with connection.cursor() as cursor:  # leave the shared server as it was
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def _as(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        password="s3cret",
        autocommit=True,
    )


def test_the_application_role_appends_but_never_rewrites_the_log(cast, incident, app_role):
    add_note(incident=incident, body="a note", by=cast.responder)
    with _as(app_role) as conn:
        conn.execute("SET breachroom.test_database = 'off'")  # as production: no test database
        count = conn.execute(
            "SELECT count(*) FROM incidents_event WHERE incident_id = %s", [incident.pk]
        ).fetchone()
        assert count is not None and count[0] == 2
        # Ordinary tables: written as the services write them.
        conn.execute("UPDATE incidents_incident SET title = 'renamed' WHERE id = %s", [incident.pk])
        for statement in (
            "UPDATE incidents_event SET verb = 'x'",
            "DELETE FROM incidents_event",
            "TRUNCATE incidents_event CASCADE",
            "UPDATE incidents_securityevent SET verb = 'x'",
            "DELETE FROM incidents_auditcheckpoint",
            "TRUNCATE incidents_checkpointhead",
            "ALTER TABLE incidents_event DISABLE TRIGGER USER",
            "DROP TRIGGER incidents_event_append_only ON incidents_event",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_the_owner_itself_is_refused_truncate_by_the_trigger(incident):
    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute("SET breachroom.test_database = 'off'")
        with pytest.raises(Exception, match="append-only: TRUNCATE refused"):
            cursor.execute("TRUNCATE incidents_event CASCADE")
        cursor.execute("SET breachroom.test_database = 'on'")


def test_the_owner_is_not_accepted_as_the_application(db):
    require_postgres()
    from django.core.management.base import CommandError

    owner = connection.settings_dict["USER"]
    with pytest.raises(CommandError, match="the tables' owner"):
        call_command("grant_app_role", f"postgres://{owner}@127.0.0.1/x")
