"""Read side of the mitigation work: rotation progress, checklist, credentials, notifications."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone

from incidents.access import Ability, may, may_move_step
from incidents.forms.mitigation import AddStepForm, CampaignForm
from incidents.models import (
    ITEM_FINISHED,
    ROTATION_DONE,
    ChecklistItem,
    CheckRun,
    Credential,
    Incident,
    ItemState,
    Playbook,
    RotationState,
    RotationTask,
    RunStatus,
)
from incidents.rendering.clock import note_flip
from incidents.roles import ROLE_LABELS, unread_count
from incidents.seed import PLAYBOOK_FOR_VECTOR
from incidents.selectors.evidence import backings, file_choices, files_by_target
from incidents.selectors.incidents import people_choices
from incidents.services import probe_secrets

ROTATIONS_SHOWN = 50
CREDENTIALS_PAGE = 50


def rotation_progress(incident: Incident) -> dict[str, Any]:
    """Counts per state and overdue, in one grouped query."""
    now = timezone.now()
    overdue = Q(due_at__lt=now) & ~Q(state__in=ROTATION_DONE)
    coming = Q(due_at__gte=now) & ~Q(state__in=ROTATION_DONE)
    rows = (
        RotationTask.objects.filter(incident=incident)
        .values_list("state")
        .annotate(
            n=Count("pk"), late=Count("pk", filter=overdue), next_due=Min("due_at", filter=coming)
        )
        .order_by()
    )
    by_state: Counter[str] = Counter()
    late = 0
    for state, n, overdue_here, next_due in rows:
        by_state[state] += n
        late += overdue_here
        note_flip(next_due)  # the overdue count grows then
    total = sum(by_state.values())
    verified, exempted = by_state[RotationState.VERIFIED], by_state[RotationState.EXEMPTED]
    done = verified + exempted
    return {
        "total": total,
        "verified": verified,
        "exempted": exempted,
        "overdue": late,
        "done": done,
        "percent": round(100 * done / total) if total else 0,
        "by_state": [(s.label, by_state.get(s.value, 0)) for s in RotationState],
    }


def rotation_section_context(incident: Incident, user: Any, error: str = "") -> dict[str, Any]:
    tasks = list(
        RotationTask.objects.filter(incident=incident)
        .select_related("credential", "credential__system")
        .order_by("state", "credential__system__name", "credential__name")[:ROTATIONS_SHOWN]
    )
    secrets = probe_secrets.active()
    return {
        "incident": incident,
        "progress": rotation_progress(incident),
        "rotation_tasks": tasks,
        "can_write": may(user, Ability.WRITE_RESPONSE),
        "probe_secrets": secrets,  # the references a probe may present
        "probe_secret_names": {secret.name for secret in secrets},
        "now": timezone.now(),
        "campaign_form": CampaignForm(),
        "rotation_states": RotationState.choices,
        "rotation_error": error,
        "rotations_shown": ROTATIONS_SHOWN,
        "backing": backings(incident.pk, "rotation"),
        "proof_files": file_choices(incident),
    }


def rotation_page(incident: Incident, page_number: Any) -> Page:
    tasks = (
        RotationTask.objects.filter(incident=incident)
        .select_related("credential", "credential__system")
        .order_by("credential__system__name", "credential__name", "pk")
    )
    return Paginator(tasks, 100).get_page(page_number)


def checklist_context(
    incident: Incident, user: Any, error: str = "", error_item: int | None = None
) -> dict[str, Any]:
    """`error_item`: the step the error is about, shown beside it rather than on top."""
    items = list(
        ChecklistItem.objects.filter(incident=incident)
        .select_related("assignee")
        .prefetch_related("depends_on", "notes__author")
        .annotate(
            pending_runs=Count(
                "runs", filter=Q(runs__status__in=(RunStatus.QUEUED, RunStatus.RUNNING))
            ),
            # Why the last run came out as it did, on the step itself.
            last_summary=Subquery(
                CheckRun.objects.filter(item=OuterRef("pk"), finished_at__isnull=False)
                .order_by("-finished_at", "-pk")
                .values("summary")[:1]
            ),
        )
        .order_by("position")
    )
    now = timezone.now()
    for item in items:
        # Who may move it: by the viewer's roles here; the assignee and the commander by
        # the page (data-movers, static/app.js), as a shared rendering knows no person.
        item.movable = may_move_step(user, item, incident.commander_id)  # type: ignore[attr-defined]
        item.role_label = ROLE_LABELS.get(item.role, item.role)  # type: ignore[attr-defined]
        open_item = item.state not in ITEM_FINISHED
        item.overdue = bool(item.due_at and item.due_at < now and open_item)  # type: ignore[attr-defined]
        if open_item:
            note_flip(item.due_at)
    latest: dict[str, Playbook] = {}
    for playbook in Playbook.objects.order_by("slug", "-version"):
        latest.setdefault(playbook.slug, playbook)
    # The playbook the breach vector suggests comes first, marked as such.
    vector = incident.breach_vector
    suggested = PLAYBOOK_FOR_VECTOR.get(vector.slug) if vector is not None else None
    for playbook in latest.values():
        playbook.suggested_for = vector.name if playbook.slug == suggested else ""  # type: ignore[attr-defined,union-attr]
    offered = sorted(latest.values(), key=lambda p: (p.slug != suggested, p.name))
    return {
        "incident": incident,
        "checklist_items": items,
        "playbooks": offered,
        "can_write": may(user, Ability.WRITE_RESPONSE),
        "checklist_error": error,
        "checklist_error_item": error_item,
        "done_count": sum(1 for i in items if i.state in ITEM_FINISHED),
        "item_states": ItemState.choices,
        "people": people_choices(),
        "add_step_form": AddStepForm(auto_id="add-step-%s"),
        "linked": files_by_target(incident.pk).get("step", {}),
    }


def credentials_page(filters: dict[str, str], page_number: Any) -> Page:
    credentials = (
        Credential.objects.select_related("system")
        .prefetch_related("tags")
        .order_by("system__name", "name", "pk")
    )
    if filters.get("q"):
        credentials = credentials.filter(
            Q(name__icontains=filters["q"]) | Q(identifier__icontains=filters["q"])
        )
    if filters.get("system"):
        credentials = credentials.filter(system__name=filters["system"])
    if filters.get("kind"):
        credentials = credentials.filter(kind=filters["kind"])
    return Paginator(credentials, CREDENTIALS_PAGE).get_page(page_number)


def unread_notifications(user: Any) -> int:
    return unread_count(user)
