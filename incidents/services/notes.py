"""Notes on an incident: added, never edited (the log keeps the text)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from incidents.models import Incident, Note
from incidents.services import free_text
from incidents.services.events import append_event
from incidents.services.incident_fields import refresh_search_text
from incidents.services.locking import lock_incident
from incidents.services.notifications import notify_mentions

MAX_NOTE = 20_000


def add_note(*, incident: Incident, body: str, by: Any, secrets: str = free_text.ASK) -> Note:
    """`secrets`: what to do with text that looks like a live secret (services.free_text)."""
    body = free_text.note_body(body, secrets, by=by, limit=MAX_NOTE)
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        note = Note.objects.create(incident=locked, author=by, body=body)
        refresh_search_text(locked)  # notes are searched
        note.missed_mentions = notify_mentions(  # type: ignore[attr-defined]
            incident=locked, body=body, by=by, anchor="#notes"
        )
        append_event(
            incident=locked, verb="note.added", actor=by, after={"note_id": note.pk, "body": body}
        )
    return note
