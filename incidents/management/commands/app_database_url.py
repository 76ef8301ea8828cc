"""For `make run` with PostgreSQL: connected as the tables' owner (DATABASE_URL), make or
update the application's own role and print the URL the application should use instead.

The role is `<owner>_app`; its password is made once and kept in var/ (0600), so a second
`make run` reuses it. grant_app_role gives it what it needs and no more."""

from __future__ import annotations

import os
import secrets
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from incidents.management.commands.grant_app_role import grant_app_role


class Command(BaseCommand):
    help = "Make the application's own database role (PostgreSQL) and print its URL."

    def handle(self, *args: object, **options: object) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The embedded default has no roles; nothing to do.")
        db = connection.settings_dict
        role = f"{db['USER']}_app"
        password = _password()
        grant_app_role(role, password)
        with connection.cursor() as cursor:  # the kept password, also for a role made before
            cursor.execute(f'ALTER ROLE "{role}" PASSWORD %s', [password])
        host = db["HOST"] or "127.0.0.1"
        port = db["PORT"] or 5432
        self.stdout.write(
            f"postgres://{quote(role)}:{quote(password)}@{host}:{port}/{quote(db['NAME'])}"
        )


def _password() -> str:
    path = settings.VAR_DIR / "database-app-password"
    if not path.exists():
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w") as out:
            out.write(secrets.token_urlsafe(24))
    return path.read_text().strip()
