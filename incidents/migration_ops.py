"""Helpers for migrations that run SQL only on PostgreSQL (triggers, extensions, indexes)."""

from collections.abc import Callable
from typing import Any


def on_postgresql(sql: str) -> Callable[[Any, Any], None]:
    """A RunPython function that executes `sql` on PostgreSQL and does nothing elsewhere.
    params=None: the SQL may contain % (e.g. in a plpgsql format string)."""

    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def sqlite_revision_triggers_again(table: str) -> Callable[[Any, Any], None]:
    """A RunPython function that puts back, on SQLite only, the revision triggers migration
    0019 made for `table`. For the reverse of a migration whose field SQLite can drop only
    by rebuilding the table (a foreign key), which drops the table's triggers with it."""

    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "sqlite":
            return
        import importlib

        revisions = importlib.import_module("incidents.migrations.0019_revisions")
        for statement in revisions._sqlite_statements():
            if f" ON {table} BEGIN " in statement:
                again = statement.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1)
                schema_editor.execute(again, params=None)

    return run


SQLITE_NOW_US = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"


def revision_trigger(
    table: str, source: str
) -> tuple[Callable[[Any, Any], None], Callable[[Any, Any], None]]:
    """RunPython functions (forward, reverse) that count a table with an `incident_id`
    column under its incident's `source` revision, as migration 0019 does for the tables
    it knew (incidents/models/revision.py)."""

    def create(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER incidents_revision AFTER INSERT OR DELETE OR UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION incidents_bump_revision('{source}', 'fk');",
                params=None,
            )
        elif vendor == "sqlite":
            # Names from the migration's own code, never from input.
            for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
                statement = (
                    f"CREATE TRIGGER incidents_revision_{table}_{event.lower()} AFTER {event} "  # noqa: S608
                    f"ON {table} BEGIN "
                    "INSERT INTO incidents_revision (incident_id, source, rev) "
                    f"VALUES ({row}.incident_id, '{source}', {SQLITE_NOW_US}) "
                    "ON CONFLICT (incident_id, source) "
                    "DO UPDATE SET rev = MAX(rev + 1, excluded.rev); END;"
                )
                schema_editor.execute(statement, params=None)

    def drop(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS incidents_revision ON {table};", params=None
            )
        elif vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(
                    f"DROP TRIGGER IF EXISTS incidents_revision_{table}_{event}", params=None
                )

    return create, drop
