"""The credential inventory: add one, or import many from CSV with a per-row report."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from incidents.models import Credential, CredentialKind, System, Tag
from incidents.services import ServiceError
from incidents.services.csv_import import CsvShape, ImportReport, import_rows
from incidents.services.secret_guard import refuse_secrets
from incidents.services.text_rules import clean_text

CSV_COLUMNS = ("name", "kind", "system", "owner", "environment", "identifier", "tags")
REQUIRED_COLUMNS = {"name", "kind", "system", "identifier"}
MAX_IDENTIFIER = 100
# The columns' sizes (models.rotation, models.taxonomy).
NAME_MAX, SYSTEM_MAX, OWNER_MAX, ENVIRONMENT_MAX, TAG_MAX = 120, 120, 120, 40, 50
MAX_IMPORT_ROWS = 20_000
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def add_credential(
    *,
    name: str,
    kind: str,
    system: str,
    identifier: str,
    owner: str = "",
    environment: str = "production",
    tags: list[str] | None = None,
) -> Credential:
    # A pasted secret is named as one before any other complaint about the text.
    refuse_secrets(
        {
            "name": name,
            "system": system,
            "identifier": identifier,
            "owner": owner,
            "environment": environment,
            **{f"tag {n + 1}": tag for n, tag in enumerate(tags or [])},
        }
    )
    name = clean_text("Name", name, NAME_MAX, one_line=True)
    system = clean_text("System", system, SYSTEM_MAX, one_line=True)
    identifier = clean_text("Identifier", identifier, 10_000, one_line=True)
    owner = clean_text("Owner", owner, OWNER_MAX, one_line=True)
    environment = clean_text("Environment", environment, ENVIRONMENT_MAX, one_line=True)
    tags = [clean_text(f"Tag “{t.strip()[:20]}”", t, TAG_MAX, one_line=True) for t in tags or []]
    if not name or not system or not identifier:
        raise ServiceError("Name, system and identifier are required.")
    if kind not in CredentialKind.values:
        raise ServiceError(f"Unknown kind {kind!r}; use one of {', '.join(CredentialKind.values)}.")
    if len(identifier) > MAX_IDENTIFIER:
        raise ServiceError(
            f"The identifier is longer than {MAX_IDENTIFIER} characters: "
            "record a fingerprint or the last 4 characters."
        )
    with transaction.atomic():
        credential = Credential(
            name=name,
            kind=kind,
            identifier=identifier,
            owner=owner,
            environment=environment or "production",
            system=System.objects.get_or_create(name=system)[0],
        )
        try:
            with transaction.atomic():
                credential.save()
        except IntegrityError:
            raise ServiceError(
                f"{name} already exists on {system} ({credential.environment})."
            ) from None
        if tags:
            credential.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags if t])
    return credential


CSV_SHAPE = CsvShape(CSV_COLUMNS, frozenset(REQUIRED_COLUMNS), MAX_IMPORT_BYTES, MAX_IMPORT_ROWS)


def import_csv(data: bytes) -> ImportReport:
    """Import credentials, all or none, with a per-row report (services/csv_import.py)."""
    return import_rows(data, CSV_SHAPE, add_row)


def add_row(row: dict[str, str]) -> Credential:
    return add_credential(**_row_arguments(row))


def _row_arguments(row: dict[str, Any]) -> dict[str, Any]:
    tags = [t for t in row.get("tags", "").replace(";", ",").split(",") if t.strip()]
    return {
        "name": row.get("name", ""),
        "kind": row.get("kind", ""),
        "system": row.get("system", ""),
        "identifier": row.get("identifier", ""),
        "owner": row.get("owner", ""),
        "environment": row.get("environment", "") or "production",
        "tags": tags,
    }
