"""Migrations run backwards as well as forwards (we never edit a landed one)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_incident_migrations_reverse_to_zero_and_reapply():
    call_command("migrate", "incidents", "zero", verbosity=0)
    assert "incidents_event" not in connection.introspection.table_names()
    call_command("migrate", "incidents", verbosity=0)
    assert "incidents_event" in connection.introspection.table_names()
    assert Group.objects.filter(name="auditor").exists()


@pytest.mark.django_db(transaction=True)
def test_undoing_this_sessions_foreign_keys_keeps_the_revision_triggers():
    """On SQLite, dropping a foreign key rebuilds the table, which drops its triggers; the
    duties' and playbooks' revision triggers must be there after a step back (0034) and
    after going forward again."""

    def triggers(table: str) -> set[str]:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass"
                    " AND NOT tgisinternal",
                    [table],
                )
            return {name for (name,) in cursor.fetchall() if "revision" in name}

    tables = ("incidents_obligation", "incidents_playbook")
    before = {table: triggers(table) for table in tables}
    assert all(before.values())
    call_command("migrate", "incidents", "0034", verbosity=0)
    assert {table: triggers(table) for table in tables} == before
    call_command("migrate", "incidents", verbosity=0)
    assert {table: triggers(table) for table in tables} == before
