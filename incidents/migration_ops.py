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
