"""Events in plain words, for people: the timeline is the event log, filtered and told."""

from __future__ import annotations

from collections.abc import Callable

from incidents.models import KEY_TIMES, Event, Severity, Status
from incidents.presentation.timefmt import local_text
from incidents.roles import ROLE_LABELS

# Looked up per event on every timeline page: Status.values builds a new list per call.
STATUS_LABELS = {s.value: str(s.label) for s in Status}
SEVERITY_LABELS = {s.value: str(s.label) for s in Severity}


def _status(value: object) -> str:
    return STATUS_LABELS.get(value, str(value)) if isinstance(value, str) else str(value)


def _severity(value: object) -> str:
    return SEVERITY_LABELS.get(value, str(value)) if isinstance(value, str) else str(value)


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
    target = f" of {e.after['target']}" if e.after.get("target") else ""
    summary = f" ({e.after['summary']})" if e.after.get("summary") else ""
    return (
        f"{e.actor_label} ran the {e.after.get('check')} check{target}: {outcome}{summary}{timing}"
    )


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
        elif name == "detected_assumed":
            parts.append("confirmed the detected time (no longer assumed)")
        elif name in KEY_TIMES:
            was, now = (_time_text(v) if v else "nothing" for v in (e.before.get(name), new))
            parts.append(f"changed {label} from {was} to {now}")
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


ROTATION_WORDS = {
    "pending": "pending",
    "rotated": "rotated",
    "revoked": "old revoked",
    "verified": "verified dead",
    "exempted": "exempted",
}
ITEM_WORDS = {
    "todo": "to do",
    "in_progress": "in progress",
    "done": "done",
    "blocked": "blocked",
    "skipped": "skipped",
}


def _campaign(e: Event) -> str:
    return f"{e.actor_label} added {e.after.get('added')} credential(s) to the rotation campaign ({e.after.get('selection') or 'selection'})"


def _rotation(e: Event) -> str:
    state = ROTATION_WORDS.get(e.after.get("state", ""), e.after.get("state"))
    text = f"{e.actor_label} marked {e.after.get('credential')} {state}"
    if e.after.get("new_identifier"):
        text += f" (new identifier {e.after['new_identifier']})"
    return text + _because(e)


def _probe(e: Event) -> str:
    return f"{e.actor_label} set the old-key probe for {e.after.get('credential')} to {e.after.get('url')}"


def _playbook(e: Event) -> str:
    return f"{e.actor_label} applied playbook “{e.after.get('playbook')}” v{e.after.get('version')} ({e.after.get('steps')} steps)"


def _item(e: Event) -> str:
    state = ITEM_WORDS.get(e.after.get("state", ""), e.after.get("state"))
    return f"{e.actor_label} marked “{e.after.get('step')}” {state}{_because(e)}"


def _item_added(e: Event) -> str:
    whose = (
        f" for {ROLE_LABELS.get(e.after['role'], e.after['role'])}" if e.after.get("role") else ""
    )
    return f"{e.actor_label} added the step “{e.after.get('step')}”{whose}"


def _step_noted(e: Event) -> str:
    body = str(e.after.get("body", ""))
    short = f"{body[:200]}{'…' if len(body) > 200 else ''}"
    return f"{e.actor_label} noted on “{e.after.get('step')}”: “{short}”"


def _item_assigned(e: Event) -> str:
    return (
        f"{e.actor_label} assigned “{e.after.get('step')}” to {e.after.get('assignee') or 'nobody'}"
    )


def _check_configured(e: Event) -> str:
    return f"{e.actor_label} set the check of “{e.after.get('step')}” to {e.after.get('params', {}).get('url', '')}"


def _rerun(e: Event) -> str:
    every = e.after.get("every_minutes")
    when = f"every {every} min until it passes" if every else "no longer"
    return f"{e.actor_label} set “{e.after.get('step')}” to re-run {when}"


def _check_requeued(e: Event) -> str:
    return f"The {e.after.get('check')} check of {e.after.get('target') or 'the incident'} was queued again: {e.after.get('why')}"


def _check_queued(e: Event) -> str:
    return f"{e.actor_label or 'schedule'} queued the {e.after.get('check')} check of {e.after.get('target') or 'the incident'}"


def _deadline(e: Event) -> str:
    missed = e.verb == "deadline.missed"
    return f"{e.after.get('kind', '').capitalize()} “{e.after.get('name')}” {'missed its deadline' if missed else 'is due within 24 hours'}"


NOTICE_WORDS = {
    "draft": "draft",
    "in_review": "in review",
    "approved": "approved",
    "sent": "sent",
    "send_failed": "send failed",
}


def _notice(e: Event) -> str:
    partner = e.after.get("partner")
    if e.verb == "notice.drafted":
        return f"{e.actor_label} drafted a notice to {partner} from “{e.after.get('template')}”"
    if e.verb == "notice.edited":
        return f"{e.actor_label} edited the notice to {partner} (back to draft)"
    if e.verb == "notice.batch_started":
        return f"{e.actor_label} started drafting “{e.after.get('template')}” for {e.after.get('partners')} partners"
    if e.verb == "notice.send_queued":
        return f"{e.actor_label} sent the notice to {partner} for delivery to {', '.join(e.after.get('recipients', []))}"
    if e.verb == "notice.delivery_retried":
        return (
            f"Delivery attempt {e.after.get('attempt')} of the notice to {partner} failed and "
            f"will be tried again: {e.after.get('reply')}"
        )
    if e.verb == "notice.batch_requeued":
        return (
            f"The drafting of notices ({e.after.get('done')} of {e.after.get('total')} made) "
            "was handed to the workers again (no progress for 5 minutes)"
        )
    if e.verb == "notice.send_requeued":
        return (
            f"The notice to {partner} was handed to the mailer again (no result from the first try)"
        )
    if e.verb == "notice.sent":
        # Accepted by the mail server is what Breachroom knows, not that anyone read it.
        taken = f": {e.after['reply']}" if e.after.get("reply") else ""
        return (
            f"The notice to {partner} was accepted for delivery "
            f"(SHA-256 {str(e.after.get('sha256', ''))[:12]}…){taken}"
        )
    if e.verb == "notice.send_failed":
        return f"Sending the notice to {partner} failed: {e.after.get('error')}"
    if e.verb == "notice.flagged":
        reasons = "; ".join(f"{k}: {v}" for k, v in e.after.get("claims", {}).items())
        return f"The notice to {partner} states a claim that no longer holds ({reasons}); approval withdrawn"
    return f"{e.actor_label} moved the notice to {partner} to {NOTICE_WORDS.get(e.after.get('state', ''), e.after.get('state'))}"


def _risk(e: Event) -> str:
    level = str(e.after.get("level", "")).replace("_", " ")
    computed = str(e.after.get("computed_level") or e.after.get("level", "")).replace("_", " ")
    moved = (
        f" (the score's level is {computed}; concluded {level}: “{e.after.get('level_rationale')}”)"
        if computed != level
        else ""
    )
    return f"{e.actor_label} assessed the risk (ENISA, v{e.after.get('version')}): {level}, score {e.after.get('score')}{moved}"


def _time_text(value: object) -> str:
    return local_text(value if isinstance(value, str) else None, "a time not yet known")


def _obligation(e: Event) -> str:
    name = e.after.get("name")
    if e.verb == "obligation.applies":
        due = f", due {_time_text(e.after['deadline'])}" if e.after.get("deadline") else ""
        return f"Duty now applies: {name} ({e.after.get('why')}){due}"
    if e.verb == "obligation.changed":
        people = e.after.get("people_text") or e.after.get("people")
        return f"Duty changed: {name}, due {_time_text(e.after.get('deadline'))}, {people} people (was due {_time_text(e.before.get('deadline'))})"
    if e.verb == "obligation.lapsed":
        return f"Duty no longer applies: {name} ({e.after.get('why')})"
    if e.verb == "obligation.not_required":
        return f"Duty not required on the record: {name} ({e.after.get('why')})"
    if e.verb == "obligation.met":
        late = (
            f"; reasons for the delay: “{e.after['late_reason']}”"
            if e.after.get("late_reason")
            else ""
        )
        ref = f", reference {e.after['reference']}" if e.after.get("reference") else ""
        return f"{e.actor_label} recorded “{name}” as met by {e.after.get('how')}{ref} at {_time_text(e.after.get('met_at'))}{late}"
    if e.verb == "obligation.waived":
        return f"{e.actor_label} waived “{name}” by hand (an override): “{e.after.get('reason')}”"
    if e.verb == "obligation.owner_set":
        owner = e.after.get("owner")
        return (
            f"{e.actor_label} made {owner} owner of “{name}”"
            if owner
            else f"{e.actor_label} left “{name}” without an owner"
        )
    if e.verb == "obligation.overdue":
        return f"“{name}” passed its deadline ({_time_text(e.after.get('deadline'))}) without being met"
    return f"Reminder: “{name}” is due within {e.after.get('hours_before')} hours ({_time_text(e.after.get('deadline'))})"


FIELD_WORDS = {
    "title": "the title",
    "summary": "summary",
    "severity": "severity",
    "commander": "commander",
    "assignees": "assignees",
    "breach_vector": "breach vector",
    "affected_systems": "affected systems",
    "tags": "tags",
    "began_at": "time the breach began",
    "data_role": "our role for the data",
    "controller": "controller to tell",
    "detected_at": "detected time",
    "aware_at": "became-aware time",
    "contained_at": "contained time",
    "eradicated_at": "eradicated time",
    "recovered_at": "recovered time",
    "closed_at": "closed time",
}
CONFIRMATION_WORDS = {"ruled_out": "ruling out", "verified": "the old key dead for"}
EXPOSURE_WORDS = {"suspected": "suspected", "confirmed": "confirmed", "ruled_out": "ruled out"}

DESCRIBERS: dict[str, Callable[[Event], str]] = {
    "incident.field_changed": _field_changed,
    "catalogue.category_changed": lambda e: (
        f"{e.actor_label} changed the catalogue's “{e.after.get('category')}”: {', '.join(f'{k} {e.before.get(k)} → {v}' for k, v in e.after.items() if k != 'category')}"
    ),
    "incident.member_added": lambda e: f"{e.actor_label} added {e.after.get('member')} as a member",
    "incident.member_removed": lambda e: (
        f"{e.actor_label} removed {e.after.get('member')} from the members"
    ),
    "exposure.recorded": _exposure,
    "note.added": _note,
    "risk.assessed": _risk,
    "obligation.applies": _obligation,
    "obligation.changed": _obligation,
    "obligation.lapsed": _obligation,
    "obligation.not_required": _obligation,
    "obligation.met": _obligation,
    "obligation.waived": _obligation,
    "obligation.reminder": _obligation,
    "obligation.overdue": _obligation,
    "obligation.owner_set": _obligation,
    "rotation.campaign_started": _campaign,
    "rotation.state_changed": _rotation,
    "rotation.probe_configured": _probe,
    "checklist.playbook_applied": _playbook,
    "checklist.item_changed": _item,
    "checklist.item_assigned": _item_assigned,
    "checklist.item_added": _item_added,
    "checklist.step_noted": _step_noted,
    "checklist.check_configured": _check_configured,
    "checklist.rerun_set": _rerun,
    "check.queued": _check_queued,
    "check.requeued": _check_requeued,
    "deadline.approaching": _deadline,
    "notice.drafted": _notice,
    "notice.edited": _notice,
    "notice.state_changed": _notice,
    "notice.flagged": _notice,
    "notice.send_queued": _notice,
    "notice.send_requeued": _notice,
    "notice.batch_requeued": _notice,
    "notice.delivery_retried": _notice,
    "notice.batch_started": _notice,
    "notice.sent": _notice,
    "notice.send_failed": _notice,
    "deadline.missed": _deadline,
    "incident.opened": _opened,
    "incident.status_changed": _status_changed,
    "check.requested": _check_requested,
    "check.ran": _check_ran,
    "evidence.uploaded": lambda e: (
        f"{e.actor_label} added the file “{e.after.get('filename')}” "
        f"(SHA-256 {str(e.after.get('sha256', ''))[:16]}…, {e.after.get('size')} bytes)"
    ),
    "evidence.downloaded": lambda e: (
        f"{e.actor_label} took a copy of “{e.after.get('filename')}” "
        f"(SHA-256 {str(e.after.get('sha256', ''))[:16]}…)"
    ),
    "evidence.redacted": lambda e: (
        f"{e.actor_label} redacted “{e.after.get('filename')}” "
        f"(SHA-256 {str(e.after.get('sha256', ''))[:16]}… kept): “{e.after.get('reason')}”"
    ),
    "evidence.produced": lambda e: (
        f"{e.actor_label} kept “{e.after.get('filename')}” as evidence "
        f"(SHA-256 {str(e.after.get('sha256', ''))[:16]}…, {e.after.get('size')} bytes)"
    ),
    "evidence.quarantined": lambda e: (
        f"The malware scanner found {e.after.get('found')} in “{e.after.get('filename')}”: "
        "kept quarantined, never served"
    ),
    "evidence.linked": lambda e: (
        f"{e.actor_label} linked “{e.after.get('filename')}” to the {e.after.get('to')} "
        f"“{e.after.get('target')}”"
    ),
    "evidence.unlinked": lambda e: (
        f"{e.actor_label} unlinked “{e.after.get('filename')}” from the {e.after.get('from')} "
        f"“{e.after.get('target')}”"
    ),
    "confirmation.asked": lambda e: (
        f"{e.actor_label} asked a second person to confirm "
        f"{CONFIRMATION_WORDS.get(str(e.after.get('wanted')), e.after.get('wanted'))} "
        f"“{e.after.get('target')}”: “{e.after.get('justification')}”"
    ),
    "confirmation.answered": lambda e: (
        f"{e.actor_label} {'confirmed' if e.after.get('answer') == 'confirmed' else 'declined'} "
        f"{e.after.get('asked_by')}'s ask to "
        f"{CONFIRMATION_WORDS.get(str(e.after.get('wanted')), e.after.get('wanted'))} "
        f"“{e.after.get('target')}”" + (f": “{e.after['note']}”" if e.after.get("note") else "")
    ),
    "bundle.requested": lambda e: f"{e.actor_label} asked for an export of the whole case",
    "bundle.built": lambda e: (
        f"{e.actor_label} built the case export “{e.after.get('filename')}” "
        f"({e.after.get('files')} files, SHA-256 {str(e.after.get('sha256', ''))[:16]}…)"
        + (
            f"; files whose bytes no longer match their hash: {', '.join(e.after['mismatches'])}"
            if e.after.get("mismatches")
            else ""
        )
    ),
    "chat.post_failed": lambda e: (
        f"The chat channel was not told of event {e.after.get('seq')}: {e.after.get('reason')}"
    ),
}


def describe(event: Event) -> str:
    """One sentence; plain text (the template escapes it)."""
    describer = DESCRIBERS.get(event.verb)
    return describer(event) if describer else f"{event.actor_label}: {event.verb}"
