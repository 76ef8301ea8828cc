"""Playbooks edited in the app: each save is a new version (a new row with the same slug);
incidents keep the checklist copied from the version they applied, and the next incident
is offered the newest. Saves are on the security log (a playbook is shared, not any one
incident's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from incidents.models import Playbook, PlaybookItem
from incidents.roles import ALL_ROLES
from incidents.services import ServiceError, security_log
from incidents.services.checklists import validate_steps

MAX_STEPS = 60
MAX_HOURS = 24 * 365


@dataclass(frozen=True)
class StepDraft:
    """One step as the editor gave it; the key is made from the title when left blank."""

    title: str
    key: str = ""
    role: str = ""
    due_after_hours: int | None = None
    depends_on: tuple[str, ...] = ()
    check_kind: str = ""
    instructions: str = ""
    # The check's parameters the step carried (set in the admin or a seed), kept as they
    # were while its check stays the same; the editor does not edit them.
    check_params: dict[str, Any] | None = None
    kept_for_kind: str = ""


def latest_versions() -> list[Playbook]:
    """The newest version of each playbook, by name."""
    latest: dict[str, Playbook] = {}
    for playbook in Playbook.objects.order_by("slug", "-version"):
        latest.setdefault(playbook.slug, playbook)
    return sorted(latest.values(), key=lambda p: p.name.lower())


def save_version(
    *,
    name: str,
    description: str,
    steps: list[StepDraft],
    by: Any,
    slug: str | None = None,
    based_on: int | None = None,
    request: Any = None,
) -> Playbook:
    """The playbook's next version (its first, with no slug). `based_on`: the version the
    editor started from; if a newer one was saved meanwhile, nothing is saved and the
    editor is told, rather than one person's edit silently undoing another's."""
    name, description = " ".join(name.split()), description.strip()
    if not name:
        raise ServiceError("A playbook needs a name.")
    if len(name) > 160:
        raise ServiceError(f"A playbook's name can be at most 160 characters ({len(name)}).")
    if len(description) > 5000:
        raise ServiceError("The description can be at most 5,000 characters.")
    rows = _rows(steps)
    try:
        with transaction.atomic():
            if slug is None:
                slug = _new_slug(name)
            latest = (
                Playbook.objects.select_for_update().filter(slug=slug).order_by("-version").first()
            )
            if latest is None and based_on is not None:
                raise ServiceError("No such playbook.")
            if latest is not None and based_on is not None and latest.version != based_on:
                raise ServiceError(
                    f"Version {latest.version} of “{latest.name}” was saved while you edited "
                    f"version {based_on}: nothing was saved. Open the newest and edit that."
                )
            playbook = Playbook.objects.create(
                slug=slug,
                version=(latest.version + 1) if latest else 1,
                name=name,
                description=description,
                created_by=by,
            )
            PlaybookItem.objects.bulk_create(
                PlaybookItem(playbook=playbook, position=position, **row)
                for position, row in enumerate(rows, start=1)
            )
            security_log.record(
                "playbook.saved",
                actor=by,
                request=request,
                details={"playbook": slug, "version": playbook.version, "steps": len(rows)},
            )
    except IntegrityError:  # two first saves of the same name, or a version raced in
        raise ServiceError("Someone saved this playbook at the same moment: try again.") from None
    return playbook


def _rows(steps: list[StepDraft]) -> list[dict[str, Any]]:
    if not steps:
        raise ServiceError("A playbook needs at least one step.")
    if len(steps) > MAX_STEPS:
        raise ServiceError(f"At most {MAX_STEPS} steps.")
    rows: list[dict[str, Any]] = []
    taken: set[str] = set()
    for number, step in enumerate(steps, start=1):
        title = " ".join(step.title.split())
        if not title:
            raise ServiceError(f"Step {number} needs a title.")
        if len(title) > 200:
            raise ServiceError(f"Step {number}'s title is longer than 200 characters.")
        key = slugify(step.key or title)[:60] or f"step-{number}"
        if step.key and key != step.key:
            raise ServiceError(
                f"Step {number}'s key “{step.key[:60]}” may use only lower-case letters, "
                "digits and hyphens."
            )
        if key in taken:
            if step.key:
                raise ServiceError(f"Two steps share the key “{key}”.")
            key = next(
                f"{key[:55]}-{n}" for n in range(2, MAX_STEPS + 2) if f"{key[:55]}-{n}" not in taken
            )
        taken.add(key)
        if step.role and step.role not in ALL_ROLES:
            raise ServiceError(f"Step {number}: unknown role {step.role!r}.")
        hours = step.due_after_hours
        if hours is not None and not 0 <= hours <= MAX_HOURS:
            raise ServiceError(f"Step {number}: due within 0 to {MAX_HOURS:,} hours.")
        if len(step.instructions) > 5000:
            raise ServiceError(f"Step {number}'s instructions are longer than 5,000 characters.")
        rows.append(
            {
                "key": key,
                "title": title,
                "role": step.role,
                "due_after_hours": hours,
                "depends_on": list(dict.fromkeys(step.depends_on)),
                "check_kind": step.check_kind,
                "check_params": (
                    dict(step.check_params or {})
                    if step.check_kind and step.check_kind == step.kept_for_kind
                    else {}
                ),
                "instructions": step.instructions.strip(),
            }
        )
    validate_steps(rows)  # dependencies known and acyclic, check kinds real
    return rows


def _new_slug(name: str) -> str:
    base = slugify(name)[:70] or "playbook"
    taken = set(Playbook.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)
