"""Every verb the services write reads as a sentence on the timeline (no raw verbs)."""

import re
from pathlib import Path

from incidents.presentation.timeline_words import DESCRIBERS


def test_every_verb_written_by_a_service_has_words():
    source = "\n".join(p.read_text() for p in Path("incidents/services").glob("*.py"))
    written = set(re.findall(r'verb="([a-z_.]+)"', source)) | set(
        re.findall(r'verb, "([a-z_.]+)"', source)
    )
    written |= {"deadline.missed", "deadline.approaching"}
    assert written, "no verbs found: the pattern is stale"
    assert written <= set(DESCRIBERS), f"add words for: {sorted(written - set(DESCRIBERS))}"
