"""The SCENARIO demo: role users and the MelzTube incident, created through the services."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction

from incidents import roles
from incidents.models import Incident, Severity, Status
from incidents.services.incidents import open_incident, transition

DEMO_TITLE = "MelzTube: unauthenticated internal API endpoint exposed service data"
RESTRICTED_TITLE = "Suspicious access to the finance admin console"
DEMO_USERS = [
    ("admin", roles.ADMIN, "Alex Admin"),
    ("dana", roles.COMMANDER, "Dana Commander"),
    ("sam", roles.RESPONDER, "Sam Responder"),
    ("casey", roles.COMMUNICATIONS, "Casey Comms"),
    ("avery", roles.AUDITOR, "Avery Auditor"),
]
SUMMARY = (
    "An internal API endpoint meant only for service-to-service calls was reachable from the "
    "internet without authentication. Outsiders queried it and pulled metadata and content "
    "references beyond the public scope. No phishing, no malware: a failure of access management."
)


def credentials_file() -> Path:
    return Path(settings.VAR_DIR) / "demo_credentials.txt"


def ensure_users() -> dict[str, User]:
    """Create missing demo users with random passwords, recorded in var/ (mode 600)."""
    users, new_passwords = {}, {}
    for username, role, full_name in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            new_passwords[username] = secrets.token_urlsafe(12)
            first, last = full_name.split(" ", 1)
            user = User.objects.create_user(
                username,
                password=new_passwords[username],
                first_name=first,
                last_name=last,
                is_staff=role == roles.ADMIN,
                is_superuser=role == roles.ADMIN,
            )
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        users[username] = user
    if new_passwords:
        _record_passwords(new_passwords)
    return users


def _record_passwords(new_passwords: dict[str, str]) -> None:
    """Keep one line per demo user: a new database (say, PostgreSQL after SQLite) replaces
    the lines of the users it just created."""
    path = credentials_file()
    lines = path.read_text().splitlines() if path.exists() else []
    kept = [line for line in lines if line.split(" ", 1)[0] not in new_passwords]
    role_of = {username: role for username, role, _ in DEMO_USERS}
    for username, password in new_passwords.items():
        kept.append(f"{username:8} {password}  ({roles.ROLE_LABELS[role_of[username]]})")
    path.write_text("\n".join(kept) + "\n")
    path.chmod(0o600)


@transaction.atomic
def load_demo() -> bool:
    """Load the demo once; returns False when it was already there."""
    users = ensure_users()
    if Incident.objects.filter(title=DEMO_TITLE).exists():
        return False
    dana, sam = users["dana"], users["sam"]
    incident = open_incident(title=DEMO_TITLE, by=dana, severity=Severity.SEV1, summary=SUMMARY)
    incident.members.add(*users.values())
    transition(incident=incident, to=Status.TRIAGE, by=dana)
    transition(incident=incident, to=Status.CONTAINMENT, by=sam)
    secret = open_incident(title=RESTRICTED_TITLE, by=dana, severity=Severity.SEV3, restricted=True)
    secret.members.add(users["admin"])
    return True
