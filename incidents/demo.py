"""The SCENARIO demo: role users and the MelzTube incident, created through the services."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from incidents import roles
from incidents.models import (
    BreachVector,
    ChecklistItem,
    Credential,
    DataCategory,
    DataRole,
    Evidence,
    EvidenceSource,
    Incident,
    ItemState,
    Playbook,
    PlaybookItem,
    Protection,
    RotationState,
    RotationTask,
    Severity,
    Status,
)
from incidents.seed import EXPOSED_API_PLAYBOOK, seed_playbooks, seed_taxonomy
from incidents.services.checklists import apply_playbook, set_item_state
from incidents.services.credentials import add_credential
from incidents.services.evidence import keep_bytes
from incidents.services.exposures import Range, record_exposure
from incidents.services.incident_fields import token_of, update_field
from incidents.services.incidents import open_incident, transition
from incidents.services.locking import lock_incident
from incidents.services.notes import add_note
from incidents.services.partners import add_partner_contact
from incidents.services.rotations import move_rotation, start_campaign

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


NOTE = (
    "Gateway logs show **bulk sequential queries** to `/internal/v2/content` from 14 IPs "
    "between 02:10 and 05:40 UTC. Endpoint firewalled at 07:55; rate limit to follow."
)
NO_COUNT: tuple[int | None, int | None] = (None, None)
DEMO_EXPOSURES = [
    (
        "internal-service-metadata",
        "confirmed",
        (1_200_000, 1_500_000),
        NO_COUNT,
        [],
        "Gateway logs: full pages of /internal/v2/content returned to outside IPs.",
    ),
    (
        "internal-architecture",
        "confirmed",
        (340, 400),
        NO_COUNT,
        [],
        "Responses include service names, hosts and internal routes.",
    ),
    (
        "secrets-api-keys",
        "confirmed",
        (37, 37),
        NO_COUNT,
        [],
        "37 API keys and service credentials appear in the returned references.",
    ),
    (
        "viewing-history",
        "suspected",
        (2_000_000, 8_000_000),
        (400_000, 1_200_000),
        ["DE", "FR", "GB", "US-CA", "US-TX", "US-NY"],
        "",
    ),
    ("advertiser-brand-safety", "suspected", (1_200, 1_800), NO_COUNT, [], ""),
    (
        "creator-analytics",
        "suspected",
        (50_000, 80_000),
        (12_000, 20_000),
        ["DE", "GB", "US-CA"],
        "",
    ),
    (
        "financial-payment",
        "ruled_out",
        NO_COUNT,
        NO_COUNT,
        [],
        "Payments run on a separate segment with no route from the endpoint; payment DB audit "
        "logs show no queries from its service account.",
    ),
]


DEMO_CREDENTIALS = [
    ("content-api partner key", "api_key", "internal-content-api", "…7c1e"),
    ("content-api mobile key", "api_key", "internal-content-api", "…a90b"),
    ("metadata-service token", "api_key", "metadata-service", "…44f2"),
    ("gateway admin key", "api_key", "api-gateway", "…0d3a"),
    ("metadata-db password", "database_password", "metadata-service", "rotated 2025-11"),
    ("ads-sync OAuth client", "oauth_client_secret", "api-gateway", "…c8e7"),
]


DEMO_PARTNERS = [
    ("BrightAds Network", "advertiser", ["US", "DE"], "Jordan Lee", "jordan.lee@brightads.example"),
    ("Creator Guild", "creator", ["GB", "US"], "Priya Shah", "priya@creatorguild.example"),
    ("PayFlow Payments", "payment_partner", ["EU"], "Marc Dubois", "security@payflow.example"),
    ("CNIL (France)", "authority", ["FR"], "Notifications", "notifications@cnil.example"),
    ("ICO (United Kingdom)", "authority", ["GB"], "Breach reporting", "breaches@ico.example"),
]


def _demo_partners() -> None:
    for name, audience, jurisdictions, contact, email in DEMO_PARTNERS:
        add_partner_contact(
            organisation=name,
            audience=audience,
            jurisdictions=jurisdictions,
            contact_name=contact,
            contact_email=email,
            contact_role="security contact",
        )


PAYMENTS_AUDIT_EXTRACT = (
    "# payments-db audit log, 2025-11-03 00:00 to 2025-11-21 23:59 UTC\n"
    "# filter: client_service IN ('svc-content-api', 'svc-metadata')\n"
    "# rows matched: 0\n"
    "# exported by sam from the payments segment's log store\n"
)


def _demo_proof(incident: Incident, by: Any) -> Evidence:
    """The file that backs ruling payment data out (SCENARIO: regulators asked how we knew)."""
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        return keep_bytes(
            incident=locked,
            data=PAYMENTS_AUDIT_EXTRACT.encode(),
            filename="payments-db-audit-extract.txt",
            source=EvidenceSource.UPLOADED,
            by=by,
        )


def _demo_response(incident: Incident, dana: User, sam: User) -> None:
    """A started rotation campaign and the SCENARIO playbook, part-way through."""
    for name, kind, system, identifier in DEMO_CREDENTIALS:
        add_credential(name=name, kind=kind, system=system, identifier=identifier, owner="platform")
    start_campaign(
        incident=incident,
        credentials=Credential.objects.all(),
        by=sam,
        due_at=timezone.now() + timedelta(hours=20),
        selection="all credentials of the affected systems",
    )
    first = RotationTask.objects.filter(incident=incident).order_by("pk").first()
    if first is not None:
        move_rotation(task=first, to=RotationState.ROTATED, by=sam, new_identifier="…e51d")
    seed_playbooks(Playbook, PlaybookItem)
    apply_playbook(
        incident=incident,
        playbook=Playbook.objects.get(slug=EXPOSED_API_PLAYBOOK["slug"], version=1),
        by=dana,
    )
    opening = ChecklistItem.objects.get(incident=incident, key="open-and-assess")
    set_item_state(item=opening, state=ItemState.DONE, by=dana)


# Low estimates per place, within each category's low estimate of people.
DEMO_PEOPLE_BY_JURISDICTION = {
    "viewing-history": {
        "DE": 160_000,
        "FR": 90_000,
        "GB": 70_000,
        "US-CA": 48_000,
        "US-TX": 21_000,
        "US-NY": 11_000,
    },
    "creator-analytics": {"DE": 4_000, "GB": 3_500, "US-CA": 4_500},
}


def _set(incident: Incident, by: User, field: str, value: object) -> None:
    update_field(incident=incident, field=field, value=value, was=token_of(incident, field), by=by)


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
                email=f"{username}@melztube.example",
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
    seed_taxonomy(DataCategory, BreachVector)
    if Incident.objects.filter(title=DEMO_TITLE).exists():
        return False
    dana, sam = users["dana"], users["sam"]
    now = timezone.now()
    incident = open_incident(
        title=DEMO_TITLE,
        by=dana,
        severity=Severity.SEV1,
        summary=SUMMARY,
        commander=dana,
        detected_at=now - timedelta(hours=30),
        aware_at=now - timedelta(hours=26),
    )
    incident.members.add(*users.values())
    transition(incident=incident, to=Status.TRIAGE, by=dana)
    _set(
        incident,
        dana,
        "breach_vector",
        BreachVector.objects.get(slug="misconfiguration-unauthenticated-api"),
    )
    _set(incident, dana, "data_role", DataRole.CONTROLLER)
    _set(incident, dana, "assignees", [sam, users["casey"]])
    _set(incident, dana, "tags", ["api", "access-management", "gdpr", "ccpa"])
    _set(
        incident,
        dana,
        "affected_systems",
        ["internal-content-api", "metadata-service", "api-gateway"],
    )
    proof = _demo_proof(incident, sam)
    for slug, status, records, people, where, evidence in DEMO_EXPOSURES:
        record_exposure(
            incident=incident,
            category=DataCategory.objects.get(slug=slug),
            status=status,
            by=sam,
            records=Range(*records),
            people=Range(*people),
            jurisdictions=where,
            evidence=evidence,
            people_by_jurisdiction=DEMO_PEOPLE_BY_JURISDICTION.get(slug),
            protection=Protection.NONE,  # served in clear by the open endpoint
            backing_files=[proof.pk] if status == "ruled_out" else None,
        )
    transition(incident=incident, to=Status.CONTAINMENT, by=sam)
    add_note(incident=incident, by=sam, body=NOTE)
    _demo_response(incident, dana, sam)
    _demo_partners()
    secret = open_incident(title=RESTRICTED_TITLE, by=dana, severity=Severity.SEV3, restricted=True)
    secret.members.add(users["admin"])
    return True
