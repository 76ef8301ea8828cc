"""Applying playbooks to incidents and moving checklist items, respecting dependencies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from incidents.checks import check_for, clean_params
from incidents.models import (
    ITEM_FINISHED,
    ChecklistItem,
    Incident,
    ItemState,
    Playbook,
    StepNote,
)
from incidents.services import ServiceError, free_text
from incidents.services.events import append_event
from incidents.services.locking import lock_incident
from incidents.services.notifications import incident_path, notify, notify_mentions


def validate_steps(steps: list[dict[str, Any]]) -> None:
    """Keys unique, dependencies known and acyclic, check parameters valid."""
    keys = [step["key"] for step in steps]
    if len(keys) != len(set(keys)):
        raise ServiceError("Two steps share a key.")
    graph = {step["key"]: list(step.get("depends_on", [])) for step in steps}
    for key, deps in graph.items():
        if unknown := [d for d in deps if d not in graph]:
            raise ServiceError(f"Step {key!r} depends on unknown step(s): {', '.join(unknown)}.")
    if cycle := _find_cycle(graph):
        raise ServiceError(f"Dependencies form a cycle: {' → '.join(cycle)}.")
    for step in steps:
        if step.get("check_kind"):
            # Templates name the check; per-incident parameters (URLs) are set, and fully
            # validated, on the incident's checklist item.
            try:
                check_for(step["check_kind"])
            except ValidationError as error:
                raise ServiceError(f"Step {step['key']!r}: {' '.join(error.messages)}") from None


def set_item_check_params(*, item: ChecklistItem, params: dict[str, Any], by: Any) -> ChecklistItem:
    """Validate and save the parameters of an automated step (e.g. the URL to probe)."""
    if not item.check_kind:
        raise ServiceError(f"“{item.title}” is a manual step.")
    try:
        cleaned = clean_params(item.check_kind, params)
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages)) from None
    with transaction.atomic():
        locked_incident = lock_incident(item.incident_id)
        before = dict(item.check_params)
        item.check_params = cleaned
        item.save(update_fields=["check_params"])
        append_event(
            incident=locked_incident,
            verb="checklist.check_configured",
            actor=by,
            before={"params": before},
            after={"step": item.title, "params": cleaned},
        )
    return item


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for dep in graph[node]:
            if found := visit(dep):
                return found
        visiting.pop()
        done.add(node)
        return None

    for node in graph:
        if found := visit(node):
            return found
    return None


def apply_playbook(*, incident: Incident, playbook: Playbook, by: Any) -> list[ChecklistItem]:
    """Create the incident's checklist items from this playbook version."""
    steps = list(playbook.items.order_by("position"))
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        taken = set(ChecklistItem.objects.filter(incident=locked).values_list("key", flat=True))
        if clash := [s.key for s in steps if s.key in taken]:
            raise ServiceError(
                f"This incident already has steps {', '.join(clash)}; "
                "the playbook was applied before."
            )
        start = locked.aware_at or timezone.now()
        items = {
            step.key: ChecklistItem.objects.create(
                incident=locked,
                playbook=playbook,
                key=step.key,
                position=step.position,
                title=step.title,
                instructions=step.instructions,
                role=step.role,
                due_at=start + timedelta(hours=step.due_after_hours)
                if step.due_after_hours
                else None,
                check_kind=step.check_kind,
                check_params=step.check_params,
            )
            for step in steps
        }
        for step in steps:
            if step.depends_on:
                items[step.key].depends_on.set([items[d] for d in step.depends_on])
        append_event(
            incident=locked,
            verb="checklist.playbook_applied",
            actor=by,
            after={"playbook": playbook.name, "version": playbook.version, "steps": len(steps)},
        )
    return list(items.values())


def add_step(
    *,
    incident: Incident,
    title: str,
    by: Any,
    role: str = "",
    due_at: Any = None,
    instructions: str = "",
) -> ChecklistItem:
    """A step the playbook did not foresee, added at the end of the checklist (a manual
    one: automated checks come from playbooks)."""
    from django.utils.text import slugify

    from incidents.roles import ALL_ROLES

    title, instructions = " ".join(title.split()), instructions.strip()
    if not title:
        raise ServiceError("A step needs a title.")
    if len(title) > 200:
        raise ServiceError(f"A step's title can be at most 200 characters ({len(title)} given).")
    if role and role not in ALL_ROLES:
        raise ServiceError(f"Unknown role {role!r}.")
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        steps = ChecklistItem.objects.filter(incident=locked)
        base = slugify(title)[:50] or "step"
        taken = set(steps.filter(key__startswith=base).values_list("key", flat=True))
        key = (
            base
            if base not in taken
            else next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)
        )
        last = steps.order_by("-position").values_list("position", flat=True).first()
        item = ChecklistItem.objects.create(
            incident=locked,
            key=key,
            position=(last or 0) + 1,
            title=title,
            instructions=instructions,
            role=role,
            due_at=due_at,
        )
        append_event(
            incident=locked,
            verb="checklist.item_added",
            actor=by,
            after={"step": title, "role": role, "due_at": due_at},
        )
    return item


MAX_STEP_NOTE = 5_000


def add_step_note(
    *, item: ChecklistItem, body: str, by: Any, secrets: str = free_text.ASK
) -> StepNote:
    """A note under one step: what was tried, what blocks it. Those @mentioned who may see
    the incident are told (the rest come back as `missed_mentions`); text shaped like a
    live secret is refused unless `secrets` says what to keep (services.free_text)."""
    body = free_text.note_body(body, secrets, by=by, limit=MAX_STEP_NOTE, what="A step's note")
    with transaction.atomic():
        locked = lock_incident(item.incident_id)
        note = StepNote.objects.create(incident=locked, step=item, author=by, body=body)
        note.missed_mentions = notify_mentions(  # type: ignore[attr-defined]
            incident=locked, body=body, by=by, anchor=f"#item-{item.pk}"
        )
        append_event(
            incident=locked,
            verb="checklist.step_noted",
            actor=by,
            after={"step": item.title, "step_id": item.pk, "note_id": note.pk, "body": body},
        )
    return note


def set_item_state(*, item: ChecklistItem, state: str, by: Any, reason: str = "") -> ChecklistItem:
    if state not in ItemState.values:
        raise ServiceError(f"Unknown state {state!r}.")
    reason = reason.strip()
    if state == ItemState.SKIPPED and not reason:
        raise ServiceError("Skipping a step needs a reason.")
    with transaction.atomic():
        locked_incident = lock_incident(item.incident_id)
        locked = ChecklistItem.objects.select_for_update().get(pk=item.pk)
        if state == locked.state:
            return locked
        if state == ItemState.DONE and (waiting := unfinished_dependencies(locked)):
            raise ServiceError(f"“{locked.title}” cannot be done before: {', '.join(waiting)}.")
        before = locked.state
        locked.state = state
        locked.skip_reason = reason if state == ItemState.SKIPPED else ""
        locked.save(update_fields=["state", "skip_reason"])
        after = {"step": locked.title, "state": state, **({"reason": reason} if reason else {})}
        append_event(
            incident=locked_incident,
            verb="checklist.item_changed",
            actor=by,
            before={"state": before},
            after=after,
        )
    return locked


def unfinished_dependencies(item: ChecklistItem) -> list[str]:
    return [
        dep.title for dep in item.depends_on.exclude(state__in=ITEM_FINISHED).order_by("position")
    ]


def assign_item(*, item: ChecklistItem, assignee: Any, by: Any) -> ChecklistItem:
    with transaction.atomic():
        locked_incident = lock_incident(item.incident_id)
        before = item.assignee.get_username() if item.assignee else None
        item.assignee = assignee
        item.save(update_fields=["assignee"])
        append_event(
            incident=locked_incident,
            verb="checklist.item_assigned",
            actor=by,
            before={"assignee": before},
            after={"step": item.title, "assignee": assignee.get_username() if assignee else None},
        )
        notify(
            user=assignee,
            incident=locked_incident,
            text=f"{by} gave you the step “{item.title}” on {locked_incident.reference}",
            path=incident_path(locked_incident, f"#item-{item.pk}"),
            by=by,
        )
    return item


def set_rerun(*, item: ChecklistItem, every_minutes: int | None, by: Any) -> ChecklistItem:
    if every_minutes is not None and not 1 <= every_minutes <= 1440:
        raise ServiceError("Re-run every 1 to 1,440 minutes.")
    if every_minutes and not item.check_kind:
        raise ServiceError("Only automated steps can re-run on a schedule.")
    with transaction.atomic():
        locked_incident = lock_incident(item.incident_id)
        item.rerun_every_minutes = every_minutes
        item.next_run_at = timezone.now() if every_minutes else None
        item.save(update_fields=["rerun_every_minutes", "next_run_at"])
        append_event(
            incident=locked_incident,
            verb="checklist.rerun_set",
            actor=by,
            after={"step": item.title, "every_minutes": every_minutes},
        )
    return item
