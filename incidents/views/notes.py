"""Adding a note to an incident."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from incidents.access import incident_for, require_response_writer
from incidents.forms.triage import NoteForm
from incidents.selectors import incidents as selectors
from incidents.services import ServiceError
from incidents.services.free_text import LooksSecret
from incidents.services.notes import add_note
from incidents.views.htmx import UNPROCESSABLE, HtmxHttpRequest

DETAIL = "incidents/incident_detail.html"


@login_required
@require_POST
def note_add(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    form = NoteForm(request.POST)
    looks_secret, missed = False, []
    if form.is_valid():
        try:
            note = add_note(
                incident=incident,
                body=form.cleaned_data["body"],
                by=request.user,
                secrets=request.POST.get("secrets", ""),
            )
            missed = note.missed_mentions  # type: ignore[attr-defined]
        except ServiceError as error:
            form.add_error(None, error)
            looks_secret = isinstance(error, LooksSecret)
    unreached = unreached_text(missed)
    if not request.htmx:
        for problem in form.errors.get("__all__", []) + form.errors.get("body", []):
            messages.error(request, str(problem))
        if unreached:
            messages.warning(request, unreached)
        return redirect("incidents:detail", reference=reference)
    context = selectors.notes_context(incident, request.user)
    context["mentions_unreached"] = unreached
    if form.errors:
        context["note_form"] = form
        context["looks_secret"] = looks_secret
    return render(request, f"{DETAIL}#notes", context, status=UNPROCESSABLE if form.errors else 200)


def unreached_text(missed: list[str]) -> str:
    """The author is told whom an @mention reached nobody as (unknown, or cannot see it)."""
    if not missed:
        return ""
    names = ", ".join(f"@{name}" for name in missed)
    return f"Not notified: {names} (no such person, or someone who cannot see this incident)."
