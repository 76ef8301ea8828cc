"""The credential inventory: add one, or import many from CSV with a per-row report."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from incidents.models import Credential, CredentialKind, System, Tag
from incidents.services import ServiceError
from incidents.services.secret_guard import refuse_secrets

CSV_COLUMNS = ("name", "kind", "system", "owner", "environment", "identifier", "tags")
REQUIRED_COLUMNS = {"name", "kind", "system", "identifier"}
MAX_IDENTIFIER = 100
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
    name, system, identifier = name.strip(), system.strip(), identifier.strip()
    if not name or not system or not identifier:
        raise ServiceError("Name, system and identifier are required.")
    if kind not in CredentialKind.values:
        raise ServiceError(f"Unknown kind {kind!r}; use one of {', '.join(CredentialKind.values)}.")
    if len(identifier) > MAX_IDENTIFIER:
        raise ServiceError(
            f"The identifier is longer than {MAX_IDENTIFIER} characters: "
            "record a fingerprint or the last 4 characters."
        )
    refuse_secrets(
        {"name": name, "identifier": identifier, "owner": owner, "environment": environment}
    )
    with transaction.atomic():
        credential = Credential(
            name=name,
            kind=kind,
            identifier=identifier,
            owner=owner.strip(),
            environment=environment.strip() or "production",
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
            credential.tags.set(
                [Tag.objects.get_or_create(name=t.strip())[0] for t in tags if t.strip()]
            )
    return credential


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def import_csv(data: bytes) -> ImportReport:
    """Import rows one by one: good rows land, bad rows are listed with their line number
    and reason; no row is half-written."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ServiceError(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceError(
            f"The file is not UTF-8 text (byte {error.start} cannot be read). Save it as CSV UTF-8."
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    if missing := REQUIRED_COLUMNS - columns:
        raise ServiceError(
            f"Missing column(s): {', '.join(sorted(missing))}. Expected: {', '.join(CSV_COLUMNS)}."
        )
    if unknown := columns - set(CSV_COLUMNS):
        raise ServiceError(
            f"Unknown column(s): {', '.join(sorted(unknown))}. Expected: {', '.join(CSV_COLUMNS)}."
        )
    report = ImportReport()
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_IMPORT_ROWS:
            report.errors.append((line, f"stopped: at most {MAX_IMPORT_ROWS:,} rows per file"))
            break
        clean = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        try:
            add_credential(**_row_arguments(clean))
        except ServiceError as error:
            report.errors.append((line, " ".join(error.messages)))
        else:
            report.imported += 1
    return report


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
