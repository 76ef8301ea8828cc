"""What typed text may be: within its column's length (said, never cut), free of NUL and
other control characters, and on one line where a line is expected (a subject, a name).
Every service checks here before writing, so the database never refuses half-way."""

from __future__ import annotations

import re

from incidents.services import ServiceError

# C0 controls but tab, newline and carriage return; DEL; and the C1 block.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")


def clean_text(label: str, value: str, limit: int, *, one_line: bool = False) -> str:
    """`value` stripped, or a ServiceError naming the field and what is wrong with it."""
    text = (value or "").strip()
    if _CONTROL.search(text):
        raise ServiceError(f"{label}: contains a control character (such as NUL); remove it.")
    if one_line and _LINE_BREAK.search(text):
        raise ServiceError(f"{label}: must be one line (it contains a line break).")
    if len(text) > limit:
        raise ServiceError(f"{label}: {len(text):,} characters, at most {limit:,}.")
    return text
