"""Row-by-row CSV import shared by the inventories: good rows land, bad rows are reported
with their line number and reason, and no row is half-written (each is its own service
call). A file that cannot be read at all is refused whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from incidents.services import ServiceError


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class CsvShape:
    columns: tuple[str, ...]
    required: frozenset[str]
    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 20_000


def import_rows(
    data: bytes, shape: CsvShape, add_row: Callable[[dict[str, str]], object]
) -> ImportReport:
    if len(data) > shape.max_bytes:
        raise ServiceError(f"The file is larger than {shape.max_bytes // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceError(
            f"The file is not UTF-8 text (byte {error.start} cannot be read). Save it as CSV UTF-8."
        ) from None
    reader = csv.DictReader(io.StringIO(text))
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
    report = ImportReport()
    for line, row in enumerate(reader, start=2):
        if line - 1 > shape.max_rows:
            report.errors.append((line, f"stopped: at most {shape.max_rows:,} rows per file"))
            break
        try:
            add_row({k.strip().lower(): (v or "").strip() for k, v in row.items() if k})
        except ServiceError as error:
            report.errors.append((line, " ".join(error.messages)))
        else:
            report.imported += 1
    return report
