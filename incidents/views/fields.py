"""Inline edits of one incident field: GET shows it (or its editor), POST saves it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from incidents.access import incident_for, require_response_writer
from incidents.forms.triage import FieldEditForm
from incidents.models import Incident
from incidents.selectors.incidents import incident_with_relations
from incidents.services import ServiceError
from incidents.services.free_text import LooksSecret
from incidents.services.incident_fields import (
    EDITABLE,
    EditConflict,
    editable_fields,
    may_edit,
    token_of,
    update_field,
)
from incidents.views.htmx import CONFLICT, UNPROCESSABLE, HtmxHttpRequest

DETAIL = "incidents/incident_detail.html"


@login_required
@require_http_methods(["GET", "POST"])
def incident_field(request: HtmxHttpRequest, reference: str, field: str) -> HttpResponse:
    if field not in EDITABLE:
        raise Http404("No such field.")
    incident = incident_for(request.user, reference, queryset=incident_with_relations)
    if request.method == "GET":
        if "edit" not in request.GET:
            return _row(request, incident, field)
        _require_editor(request, incident, field)
        form = FieldEditForm(
            field=field,
            initial={"was": token_of(incident, field), "value": _initial(incident, field)},
        )
        return _editor(request, incident, form)
    _require_editor(request, incident, field)
    form = FieldEditForm(request.POST, field=field)
    status, looks_secret = UNPROCESSABLE, False
    if form.is_valid():
        try:
            update_field(
                incident=incident,
                field=field,
                value=form.value(),
                was=form.cleaned_data["was"],
                by=request.user,
                secrets=request.POST.get("secrets", ""),
            )
        except EditConflict as conflict:
            incident = incident_for(request.user, reference, queryset=incident_with_relations)
            resubmit = request.POST.copy()
            resubmit["was"] = token_of(incident, field)  # saving again overwrites knowingly
            form = FieldEditForm(resubmit, field=field)
            form.is_valid()
            form.add_error(None, conflict)
            status = CONFLICT
        except ServiceError as error:
            form.add_error(None, error)
            looks_secret = isinstance(error, LooksSecret)
        else:
            if not request.htmx:
                return redirect("incidents:detail", reference=reference)
            incident = incident_for(request.user, reference, queryset=incident_with_relations)
            return _row(request, incident, field)
    return _editor(request, incident, form, status, looks_secret)


def _require_editor(request: HtmxHttpRequest, incident: Incident, field: str) -> None:
    """Who may edit which field is the service's table (incident_fields.EDIT_ABILITY)."""
    require_response_writer(request.user, incident)
    if not may_edit(request.user, field):
        raise PermissionDenied("Your role cannot change this field: commanders and admins do.")


def _initial(incident: object, field: str) -> object:
    value = getattr(incident, field)
    if field in ("assignees",):
        return [u.get_username() for u in value.all()]
    if field in ("tags", "affected_systems"):
        return ", ".join(item.name for item in value.all())
    if field == "commander":
        return value.get_username() if value else None
    if field == "breach_vector":
        return value.slug if value else None
    return value


def _row(request: HtmxHttpRequest, incident: object, field: str) -> HttpResponse:
    context = {
        "incident": incident,
        "fact": field,
        "editable": editable_fields(request.user, [field]),
    }
    return render(request, f"{DETAIL}#fact", context)


def _editor(
    request: HtmxHttpRequest,
    incident: object,
    form: FieldEditForm,
    status: int = 200,
    looks_secret: bool = False,
) -> HttpResponse:
    template = f"{DETAIL}#fact-editor" if request.htmx else "incidents/field_edit_page.html"
    return render(
        request,
        template,
        {"incident": incident, "fact": form.field_name, "form": form, "looks_secret": looks_secret},
        status=status,
    )
