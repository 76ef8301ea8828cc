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
