"""Rotation campaigns and checklists on an incident page. Every POST re-renders its section
(htmx) or redirects back (no JavaScript); refusals say why and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from incidents.access import (
    Ability,
    incident_for,
    may,
    require_pass,
    require_response_writer,
    require_step_mover,
)
from incidents.forms.mitigation import (
    AddStepForm,
    ApplyPlaybookForm,
    CampaignForm,
    ItemAssignForm,
    ItemCheckForm,
    ItemStateForm,
    ProbeForm,
    RotationMoveForm,
    StepNoteForm,
)
from incidents.models import (
    ChecklistItem,
    Incident,
    Playbook,
    RotationTask,
)
from incidents.rendering.incident_sections import render_sections
from incidents.rendering.store import personalise
from incidents.selectors import mitigation as sections
from incidents.selectors.evidence import file_choices
from incidents.services import ServiceError, check_runs, checklists, rotations
from incidents.services.free_text import LooksSecret
from incidents.views.htmx import UNPROCESSABLE, HtmxHttpRequest, form_errors_text, wants_partial
from incidents.views.notes import unreached_text

DETAIL = "incidents/incident_detail.html"


def _respond(
    request: HtmxHttpRequest,
    incident: Incident,
    section: str,
    action: Callable[[], Any],
    item: ChecklistItem | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Run the action; answer with the section (htmx) or a redirect with a message.
    `extra`: what this answer adds for the person who acted (a draft kept, a warning)."""
    error = ""
    try:
        action()
    except ServiceError as refused:
        error = " ".join(refused.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("incidents:detail", reference=incident.reference)
    if section == "rotations":
        context = sections.rotation_section_context(incident, request.user, error)
    else:
        context = sections.checklist_context(
            incident, request.user, error, item.pk if item is not None else None
        )
    context.update(extra or {})
    return render(request, f"{DETAIL}#{section}", context, status=UNPROCESSABLE if error else 200)


def _writable(request: HtmxHttpRequest, reference: str) -> Incident:
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    return incident


def _invalid(form: Any) -> None:
    raise ServiceError(form_errors_text(form))


@login_required
@require_POST
def campaign_start(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = _writable(request, reference)
    form = CampaignForm(request.POST)

    def act() -> None:
        if not form.is_valid():
            _invalid(form)
        data = form.cleaned_data
        chosen, selection = rotations.campaign_selection(
            incident=incident,
            scope=data["scope"],
            system=data["system"],
            kind=data["kind"],
            tag=data["tag"],
        )
        rotations.start_campaign(
            incident=incident,
            credentials=chosen,
            by=request.user,
            due_at=data["due_at"],
            selection=selection,
        )

    return _respond(request, incident, "rotations", act)


@login_required
@require_POST
def rotations_move(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = _writable(request, reference)
    ids = list(RotationTask.objects.filter(incident=incident).values_list("pk", flat=True))
    files = [pk for pk, _ in file_choices(incident)]
    form = RotationMoveForm(request.POST, task_ids=ids, file_ids=files)

    def act() -> None:
        if not form.is_valid():
            _invalid(form)
        rotations.move_rotations(
            incident=incident,
            task_ids=form.cleaned_data["tasks"],
            to=form.cleaned_data["to"],
            by=request.user,
            new_identifier=form.cleaned_data["new_identifier"],
            reason=form.cleaned_data["reason"],
            backing_files=[form.cleaned_data["proof"]] if form.cleaned_data["proof"] else None,
        )

    return _respond(request, incident, "rotations", act)


@login_required
@require_POST
def rotation_probe(request: HtmxHttpRequest, reference: str, task_id: int) -> HttpResponse:
    incident = _writable(request, reference)
    task = get_object_or_404(
        RotationTask.objects.select_related("credential"), incident=incident, pk=task_id
    )
    form = ProbeForm(request.POST)

    def act() -> None:
        if not form.is_valid():
            _invalid(form)
        rotations.configure_probe(
            task=task,
            url=form.cleaned_data["url"],
            header=form.cleaned_data["header"],
            secret_env=form.cleaned_data["secret_env"],
            by=request.user,
        )

    return _respond(request, incident, "rotations", act)


@login_required
@require_POST
def rotation_verify(request: HtmxHttpRequest, reference: str, task_id: int) -> HttpResponse:
    incident = _writable(request, reference)
    task = get_object_or_404(RotationTask, incident=incident, pk=task_id)
    return _respond(
        request,
        incident,
        "rotations",
        lambda: check_runs.request_rotation_probe(task=task, by=request.user),
    )


@login_required
@require_GET
def rotations_all(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    """The rotation table at its own address: the incident page's section (a shared
    rendering) when htmx loads it into the page, every task page by page otherwise."""
    if wants_partial(request):
        gate = require_pass(request.user, reference)
        html = render_sections(gate, ["rotations"])["rotations"]
        return HttpResponse(personalise(html, get_token(request)))
    incident = incident_for(request.user, reference)
    context = {
        **sections.rotation_section_context(incident, request.user),
        "page": sections.rotation_page(incident, request.GET.get("page")),
    }
    return render(request, "incidents/rotations_page.html", context)


@login_required
@require_POST
def playbook_apply(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = _writable(request, reference)
    form = ApplyPlaybookForm(request.POST)

    def act() -> None:
        if not form.is_valid():
            _invalid(form)
        playbook = Playbook.objects.filter(pk=form.cleaned_data["playbook"]).first()
        if playbook is None:
            raise ServiceError("No such playbook.")
        checklists.apply_playbook(incident=incident, playbook=playbook, by=request.user)

    return _respond(request, incident, "checklist", act)


@login_required
@require_POST
def step_add(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = _writable(request, reference)
    form = AddStepForm(request.POST)

    def act() -> None:
        if not form.is_valid():
            _invalid(form)
        checklists.add_step(incident=incident, by=request.user, **form.cleaned_data)

    return _respond(request, incident, "checklist", act)


def _movable_item(
    request: HtmxHttpRequest, reference: str, item_id: int
) -> tuple[Incident, ChecklistItem]:
    incident = incident_for(request.user, reference)
    item = get_object_or_404(ChecklistItem, incident=incident, pk=item_id)
    require_step_mover(request.user, item, incident.commander_id)
    return incident, item


def _item(request: HtmxHttpRequest, reference: str, item_id: int) -> tuple[Incident, ChecklistItem]:
    incident = _writable(request, reference)
    return incident, get_object_or_404(ChecklistItem, incident=incident, pk=item_id)


@login_required
@require_POST
def item_state(request: HtmxHttpRequest, reference: str, item_id: int) -> HttpResponse:
    """Moved by the step's role, its assignee or the commander (access.may_move_step), not
    by every response writer: the communications lead and the auditor move their own."""
    incident, item = _movable_item(request, reference, item_id)
    form = ItemStateForm(request.POST)

    def act() -> None:
        if not form.is_valid():
            _invalid(form)
        checklists.set_item_state(
            item=item,
            state=form.cleaned_data["state"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )

    return _respond(request, incident, "checklist", act, item)


@login_required
@require_POST
def item_assign(request: HtmxHttpRequest, reference: str, item_id: int) -> HttpResponse:
    """Assigned by those who may move it: an assignee may move a step, so assigning
    oneself must not be a way round the step's role."""
    incident, item = _movable_item(request, reference, item_id)
    form = ItemAssignForm(request.POST)

    def act() -> None:
        if not form.is_valid():
            _invalid(form)
        checklists.assign_item(item=item, assignee=form.cleaned_data["assignee"], by=request.user)

    return _respond(request, incident, "checklist", act, item)


@login_required
@require_POST
def item_check(request: HtmxHttpRequest, reference: str, item_id: int) -> HttpResponse:
    incident, item = _item(request, reference, item_id)
    form = ItemCheckForm(request.POST)

    def act() -> None:
        if not form.is_valid():
            _invalid(form)
        data = form.cleaned_data
        params = {
            "url": data["url"],
            **{k: data[k] for k in ("requests", "seconds") if data.get(k)},
        }
        checklists.set_item_check_params(item=item, params=params, by=request.user)
        rerun = int(data["rerun"]) if data.get("rerun") else None
        if rerun != item.rerun_every_minutes:
            checklists.set_rerun(item=item, every_minutes=rerun, by=request.user)

    return _respond(request, incident, "checklist", act, item)


@login_required
@require_POST
def item_run(request: HtmxHttpRequest, reference: str, item_id: int) -> HttpResponse:
    incident, item = _item(request, reference, item_id)
    return _respond(
        request,
        incident,
        "checklist",
        lambda: check_runs.request_item_check(item=item, by=request.user),
        item,
    )


@login_required
@require_POST
def step_note(request: HtmxHttpRequest, reference: str, item_id: int) -> HttpResponse:
    """Noted by whoever may change the response record or move this step (so the
    communications lead and the auditor can say why their step waits)."""
    incident = incident_for(request.user, reference)
    item = get_object_or_404(ChecklistItem, incident=incident, pk=item_id)
    if not may(request.user, Ability.WRITE_RESPONSE):
        require_step_mover(request.user, item, incident.commander_id)
    form = StepNoteForm(request.POST)
    draft: dict[str, Any] = {"item": item.pk}

    def act() -> None:
        if not form.is_valid():
            _invalid(form)
        try:
            note = checklists.add_step_note(
                item=item,
                body=form.cleaned_data["body"],
                by=request.user,
                secrets=form.cleaned_data["secrets"],
            )
        except LooksSecret:
            draft.update(body=form.cleaned_data["body"], looks_secret=True)
            raise
        draft["unreached"] = unreached_text(note.missed_mentions)  # type: ignore[attr-defined]

    response = _respond(request, incident, "checklist", act, item, extra={"step_note": draft})
    if not request.htmx and draft.get("unreached"):
        messages.warning(request, draft["unreached"])
    return response
