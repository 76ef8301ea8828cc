"""Tamper with the event log as its table owner could: with the append-only trigger off."""

from django.db import connection


def tamper(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        on_postgres = connection.vendor == "postgresql"
        if on_postgres:
            # Deferred FK checks from the test's own writes would block ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE incidents_event DISABLE TRIGGER incidents_event_append_only"
            )
        cursor.execute(sql, params or [])
        if on_postgres:
            cursor.execute("ALTER TABLE incidents_event ENABLE TRIGGER incidents_event_append_only")
