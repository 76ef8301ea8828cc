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


DESCRIBERS: dict[str, Callable[[Event], str]] = {
    "incident.opened": _opened,
    "incident.status_changed": _status_changed,
    "check.requested": _check_requested,
    "check.ran": _check_ran,
}


def describe(event: Event) -> str:
    """One sentence; plain text (the template escapes it)."""
    describer = DESCRIBERS.get(event.verb)
    return describer(event) if describer else f"{event.actor_label}: {event.verb}"
