"""Events in plain words, for people: the timeline is the event log, filtered and told."""

from __future__ import annotations

from collections.abc import Callable

from incidents.models import Event, Severity, Status


def _status(value: object) -> str:
    return Status(value).label if value in Status.values else str(value)


def _severity(value: object) -> str:
    return Severity(value).label if value in Severity.values else str(value)


def _because(event: Event) -> str:
    reason = event.after.get("reason")
    return f": “{reason}”" if reason else ""


def _opened(e: Event) -> str:
    severity = _severity(e.after.get("severity"))
    return f"{e.actor_label} opened the incident “{e.after.get('title', '')}” as {severity}"


def _status_changed(e: Event) -> str:
    return (
        f"{e.actor_label} moved the incident from {_status(e.before.get('status'))} "
        f"to {_status(e.after.get('status'))}{_because(e)}"
    )


def _check_requested(e: Event) -> str:
    return f"{e.actor_label} asked for the {e.after.get('check')} check"


def _check_ran(e: Event) -> str:
    outcome = str(e.after.get("outcome", "")).upper()
    took = e.after.get("duration_ms")
    timing = f" in {took} ms" if took is not None else ""
    return f"{e.actor_label} ran the {e.after.get('check')} check: {outcome}{timing}"


def _words(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "nothing"
    if value in (None, ""):
        return "nothing"
    return f"“{value}”" if isinstance(value, str) and len(value) < 200 else str(value)


def _field_changed(e: Event) -> str:
    parts = []
    for name, new in e.after.items():
        label = FIELD_WORDS.get(name, name)
        if name == "summary":
            parts.append(f"edited the {label}")
        else:
            parts.append(f"changed {label} from {_words(e.before.get(name))} to {_words(new)}")
    return f"{e.actor_label} {'; '.join(parts)}"


def _exposure(e: Event) -> str:
    after, before = e.after, e.before
    status = EXPOSURE_WORDS.get(after.get("status", ""), after.get("status"))
    verb = "recorded" if not before else "updated"
    text = f"{e.actor_label} {verb} {after.get('category')} as {status}"
    if before and before.get("status") != after.get("status"):
        text += f" (was {EXPOSURE_WORDS.get(before.get('status', ''), before.get('status'))})"
    if after.get("evidence"):
        text += f": “{after['evidence'][:200]}”"
    return text


def _note(e: Event) -> str:
    body = str(e.after.get("body", ""))
    return f"{e.actor_label} added a note: “{body[:200]}{'…' if len(body) > 200 else ''}”"


FIELD_WORDS = {
    "title": "the title",
    "summary": "summary",
    "severity": "severity",
    "commander": "commander",
    "assignees": "assignees",
    "breach_vector": "breach vector",
    "affected_systems": "affected systems",
    "tags": "tags",
    "detected_at": "detected time",
    "aware_at": "became-aware time",
    "contained_at": "contained time",
    "eradicated_at": "eradicated time",
    "recovered_at": "recovered time",
    "closed_at": "closed time",
}
EXPOSURE_WORDS = {"suspected": "suspected", "confirmed": "confirmed", "ruled_out": "ruled out"}

DESCRIBERS: dict[str, Callable[[Event], str]] = {
    "incident.field_changed": _field_changed,
    "exposure.recorded": _exposure,
    "note.added": _note,
    "incident.opened": _opened,
    "incident.status_changed": _status_changed,
    "check.requested": _check_requested,
    "check.ran": _check_ran,
}


def describe(event: Event) -> str:
    """One sentence; plain text (the template escapes it)."""
    describer = DESCRIBERS.get(event.verb)
    return describer(event) if describer else f"{event.actor_label}: {event.verb}"
