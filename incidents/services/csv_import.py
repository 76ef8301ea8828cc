"""CSV import shared by the inventories: one transaction, all or nothing. Every row goes
through its service (which checks each column's length and content before writing); when
any row is refused, nothing is kept and the report lists every refused row with its line
and reason. A file that cannot be read at all is refused whole. Large files run as a job
(services.import_jobs) with the same rules."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction

from incidents.services import ServiceError


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0

    @property
    def kept(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class CsvShape:
    columns: tuple[str, ...]
    required: frozenset[str]
    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 20_000


def read_rows(data: bytes, shape: CsvShape) -> list[tuple[int, dict[str, str]]]:
    """The file's rows with their line numbers, or a ServiceError for the whole file."""
    if len(data) > shape.max_bytes:
        raise ServiceError(f"The file is larger than {shape.max_bytes // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceError(
            f"The file is not UTF-8 text (byte {error.start} cannot be read). Save it as CSV UTF-8."
        ) from None
    if "\x00" in text:
        raise ServiceError("The file contains NUL bytes: it is not a CSV text file.")
    reader = csv.DictReader(io.StringIO(text))
    try:
        columns = {c.strip().lower() for c in reader.fieldnames or []}
        expected = ", ".join(shape.columns)
        if missing := shape.required - columns:
            raise ServiceError(
                f"Missing column(s): {', '.join(sorted(missing))}. Expected: {expected}."
            )
        if unknown := columns - set(shape.columns):
            raise ServiceError(
                f"Unknown column(s): {', '.join(sorted(unknown))}. Expected: {expected}."
            )
        rows = []
        for line, row in enumerate(reader, start=2):
            if line - 1 > shape.max_rows:
                raise ServiceError(f"The file has more than {shape.max_rows:,} rows.")
            rows.append((line, {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}))
    except csv.Error as error:
        raise ServiceError(f"The file is not valid CSV: {error}.") from None
    return rows


def import_rows(
    data: bytes,
    shape: CsvShape,
    add_row: Callable[[dict[str, str]], object],
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """All rows in, or none: each row in its own savepoint inside one transaction, rolled
    back whole when any row was refused."""
    rows = read_rows(data, shape)
    report = ImportReport(rows=len(rows))
    with transaction.atomic():
        for done, (line, row) in enumerate(rows, start=1):
            try:
                with transaction.atomic():
                    add_row(row)
            except ServiceError as error:
                report.errors.append((line, " ".join(error.messages)))
            except DatabaseError as error:  # a rule the service missed: said, not a 500
                report.errors.append((line, f"could not be stored ({error.__class__.__name__})"))
            else:
                report.imported += 1
            if progress is not None and done % 200 == 0:
                progress(done)
        if report.errors:
            transaction.set_rollback(True)
            report.imported = 0
    return report
