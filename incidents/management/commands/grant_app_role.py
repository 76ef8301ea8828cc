"""Least privilege in the database: run as the owner of the tables, after `migrate`, to let
the application's own role (the one in its DATABASE_URL) use the tables without owning any.

It may read and write every table, but on the event log, the security log and the signed
checkpoints only SELECT and INSERT: never UPDATE, DELETE or TRUNCATE, and, owning nothing,
never ALTER (so it cannot switch the append-only triggers off either)."""

from __future__ import annotations

from argparse import ArgumentParser
from urllib.parse import unquote, urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

APPEND_ONLY = (
    "incidents_event",
    "incidents_securityevent",
    "incidents_auditcheckpoint",
    "incidents_checkpointhead",
)


class Command(BaseCommand):
    help = "Grant the application's role what it needs and no more (PostgreSQL; run as owner)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "app_url",
            help="the application's DATABASE_URL: its role is made if missing (LOGIN, with "
            "that password) and granted",
        )

    def handle(self, *args: object, **options: object) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Roles and grants are PostgreSQL's; the embedded default has none.")
        parts = urlsplit(str(options["app_url"]))
        role = unquote(parts.username or "")
        if not role:
            raise CommandError("The application's DATABASE_URL names no user.")
        if role == connection.settings_dict["USER"]:
            raise CommandError(
                f"The application would connect as {role}, the tables' owner: give it a role "
                "of its own, or it can switch the append-only triggers off."
            )
        grant_app_role(role, unquote(parts.password or ""))
        self.stdout.write(f"role {role}: read and write, append-only on {', '.join(APPEND_ONLY)}")


def grant_app_role(role: str, password: str = "") -> None:
    name = sql.Identifier(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            create = sql.SQL("CREATE ROLE {} LOGIN").format(name)
            if password:
                create = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    name, sql.Literal(password)
                )
            cursor.execute(create)
        database = sql.Identifier(connection.settings_dict["NAME"])
        for statement in (
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, name),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
            sql.SQL(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
            ).format(name),
            sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(
                name
            ),
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in APPEND_ONLY), name
            ),
        ):
            cursor.execute(statement)
