"""Playbooks in the app: everyone who uses Breachroom reads them; commanders and admins
edit them, each save a new version (services/playbooks.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from incidents.access import Ability, may
from incidents.forms.playbooks import PlaybookForm, StepFormSet, step_initial
from incidents.models import Playbook
from incidents.services import ServiceError, playbooks
from incidents.views.htmx import UNPROCESSABLE, AuthedRequest

EDITOR = "incidents/playbook_edit.html"


def _allowed(request: AuthedRequest, *, write: bool = False) -> None:
    if not may(request.user, Ability.USE):
        raise Http404("No such page.")
    if write and not may(request.user, Ability.EDIT_PLAYBOOKS):
        raise PermissionDenied("Playbooks are edited by commanders and admins.")


@login_required
@require_GET
def playbook_list(request: AuthedRequest) -> HttpResponse:
    _allowed(request)
    latest = playbooks.latest_versions()
    counts = dict(
        Playbook.objects.filter(pk__in=[p.pk for p in latest])
        .annotate(steps=Count("items"))
        .values_list("pk", "steps")
    )
    versions = dict(
        Playbook.objects.values("slug").annotate(n=Count("pk")).values_list("slug", "n")
    )
    rows = [(p, counts.get(p.pk, 0), versions.get(p.slug, 1)) for p in latest]
    context = {"rows": rows, "can_edit": may(request.user, Ability.EDIT_PLAYBOOKS)}
    return render(request, "incidents/playbooks.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def playbook_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """One version: read, or edited into the next one (from the newest only)."""
    _allowed(request, write=request.method == "POST")
    playbook = get_object_or_404(Playbook, pk=pk)
    newest = Playbook.objects.filter(slug=playbook.slug).order_by("-version").first()
    return _editor(request, playbook, newest)


@login_required
@require_http_methods(["GET", "POST"])
def playbook_new(request: AuthedRequest) -> HttpResponse:
    _allowed(request, write=True)
    return _editor(request, None, None)


def _editor(
    request: AuthedRequest, playbook: Playbook | None, newest: Playbook | None
) -> HttpResponse:
    if request.method == "POST":
        form, steps = PlaybookForm(request.POST), StepFormSet(request.POST, prefix="step")
    else:
        initial = {"name": playbook.name, "description": playbook.description} if playbook else None
        form = PlaybookForm(initial=initial)
        steps = StepFormSet(initial=step_initial(playbook) if playbook else None, prefix="step")
    error = ""
    if request.method == "POST":
        if form.is_valid() and steps.is_valid():
            drafts = [d for d in (f.draft() for f in steps.forms) if d is not None]
            try:
                saved = playbooks.save_version(
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    steps=drafts,
                    by=request.user,
                    slug=playbook.slug if playbook else None,
                    based_on=playbook.version if playbook else None,
                    request=request,
                )
            except ServiceError as refused:
                error = " ".join(refused.messages)
            else:
                messages.success(request, f"Saved “{saved.name}” as version {saved.version}.")
                return redirect("playbook", pk=saved.pk)
        else:
            error = "Nothing was saved: see the fields marked below."
    versions = Playbook.objects.filter(slug=playbook.slug).order_by("-version") if playbook else []
    context = {
        "playbook": playbook,
        "is_newest": playbook is None or (newest is not None and newest.pk == playbook.pk),
        "newest": newest,
        "versions": versions,
        "form": form,
        "steps": steps,
        "error": error,
        "can_edit": may(request.user, Ability.EDIT_PLAYBOOKS),
    }
    return render(request, EDITOR, context, status=UNPROCESSABLE if error else 200)
