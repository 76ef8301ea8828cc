"""A fingerprint of the code that draws: templates, Python and rule files. It is part of
every rendering key, so a deploy (or a developer's edit) never serves what older code drew."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings

SUFFIXES = (".py", ".html", ".yaml", ".yml", ".js", ".css")


@lru_cache(maxsize=1)
def code_version() -> str:
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder in ("incidents", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in SUFFIXES and "migrations" not in path.parts and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
