"""Incident pages. Each view: parse, ask the access gate, call a service or selector, render
the page or, for htmx, the partial."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents.access import (
    Ability,
    incident_for,
    require,
    require_pass,
    require_response_writer,
)
from incidents.checks import incident_wide_check
from incidents.forms.incidents import OpenIncidentForm, TransitionForm
from incidents.forms.triage import IncidentFilterForm
from incidents.models import Incident, Status
from incidents.rendering import store
from incidents.rendering.incident_sections import LAZY, PAGE_LEFT, PAGE_RIGHT, render_sections
from incidents.rendering.list_rows import rows_html
from incidents.rendering.store import personalise
from incidents.roles import shared_revisions
from incidents.selectors import incidents as selectors
from incidents.selectors.incident_list import incident_list_page
from incidents.services import ServiceError
from incidents.services.heartbeat import request_check
from incidents.services.incidents import open_incident, transition
from incidents.views.htmx import UNPROCESSABLE, HtmxHttpRequest, wants_partial

DETAIL = "incidents/incident_detail.html"
LIST = "incidents/incident_list.html"


@login_required
@require_GET
def incident_list(request: HtmxHttpRequest) -> HttpResponse:
    form = _filter_form(request)
    results = _list_results(request, form)
    if wants_partial(request):
        return HttpResponse(results)
    context = {"results": results, "filters": _filters_html(request, form)}
    return render(request, LIST, context)


def _list_results(request: HtmxHttpRequest, form: IncidentFilterForm) -> str:
    """The results fragment (count, rows, pager) for the viewer's filters."""
    page = incident_list_page(request.user, form.cleaned_data, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": rows_html(page.object_list),
        "filter_form": form,
        "query": query.urlencode(),
    }
    return render_to_string(f"{LIST}#results", context)


def _filters_html(request: HttpRequest, form: IncidentFilterForm) -> str:
    """The filter form is the same for everyone asking with the same query: a shared
    rendering keyed by it and by the people and catalogue revisions its options come from
    (read with the viewer's roles: no query of its own)."""
    revisions = shared_revisions(request.user)
    query = sorted(request.GET.lists())
    zone = timezone.get_current_timezone_name()
    key = store.key(
        "list-filters", query, revisions.get("directory"), revisions.get("catalogue"), zone
    )

    def draw() -> str:
        context = {"filter_form": form, **selectors.filter_choices()}
        return render_to_string(f"{LIST}#filters", context)

    return store.fetch({key: draw})[key]


def _filter_form(request: HttpRequest) -> IncidentFilterForm:
    form = IncidentFilterForm(request.GET)
    form.is_valid()  # invalid filters are shown as errors and ignored; valid ones apply
    return form


@login_required
@require_http_methods(["GET", "POST"])
def incident_open(request: HttpRequest) -> HttpResponse:
    require(request.user, Ability.OPEN_INCIDENT)
    form = OpenIncidentForm(
        request.POST or None, initial={"commander": request.user.get_username()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            incident = open_incident(by=request.user, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{incident.reference} opened.")
            return redirect("incidents:detail", reference=incident.reference)
    status = UNPROCESSABLE if form.errors else 200
    return render(request, "incidents/incident_open.html", {"form": form}, status=status)


@login_required
@require_GET
def incident_detail(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    """The page: the gate (one query), then every section from the shared store in one
    round trip; only what is missing there is drawn. The viewer's CSRF token is put in on
    the way out; nothing in the page's sections is about the viewer but their roles."""
    gate = require_pass(request.user, reference)
    first = [n for n in (*PAGE_LEFT, *PAGE_RIGHT, "incident-header") if n not in LAZY]
    drawn = render_sections(gate, first)
    token = get_token(request)

    def placed(name: str) -> SafeString:
        if name in LAZY:
            context = {"reference": gate.reference}
            return mark_safe(render_to_string(f"{DETAIL}#{name}-placeholder", context))  # noqa: S308
        return mark_safe(personalise(drawn[name], token))  # noqa: S308 - our own renderings

    context = {
        "reference": gate.reference,
        "title": gate.title,
        "seq": gate.seq,
        "timeline_kind": _timeline_kind(request),
        "sections": {"incident_header": placed("incident-header")},
        "left": [placed(name) for name in PAGE_LEFT],
        "right": [placed(name) for name in PAGE_RIGHT],
    }
    return render(request, DETAIL, context)


def _timeline_kind(request: HttpRequest) -> str:
    """The timeline filter kept in the page's address (`?timeline=notices`), if known."""
    kind = request.GET.get("timeline", "")
    return kind if kind in selectors.TIMELINE_KINDS else ""


def _original_for(request: HttpRequest, data: dict) -> Incident | None:
    """The incident this one duplicates, through the same gate (unseen = unknown); only
    read when closing as a duplicate."""
    reference = data["duplicate_of"]
    if data["to"] != Status.DUPLICATE or not reference:
        return None
    try:
        return incident_for(request.user, reference.strip().upper())
    except Http404:
        raise ServiceError(f"No incident {reference} that you can see.") from None


@login_required
@require_POST
def incident_transition(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    # Accept any status here: the service refuses illegal moves with the allowed list.
    form = TransitionForm(request.POST, choices=Status.choices)
    if form.is_valid():
        try:
            incident = transition(
                incident=incident,
                to=form.cleaned_data["to"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                duplicate_of=_original_for(request, form.cleaned_data),
            )
        except ServiceError as error:
            form.add_error(None, error)
    if not request.htmx:
        _flash_result(
            request, form, f"{incident.reference} is now {incident.get_status_display()}."
        )
        return redirect("incidents:detail", reference=incident.reference)
    shown: TransitionForm | None = form if form.errors else None  # None: fresh form
    if shown is not None:
        shown.offer_moves_from(incident.status)
    context = selectors.incident_header_context(incident, request.user, shown)
    status = UNPROCESSABLE if shown is not None else 200
    return render(request, f"{DETAIL}#incident-header", context, status=status)


@login_required
@require_POST
def incident_run_check(request: HtmxHttpRequest, reference: str, check: str) -> HttpResponse:
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    if incident_wide_check(check) is None:
        raise Http404("No such check.")
    request_check(incident_id=incident.pk, check=check, by=request.user)
    message = f"The {check} check is queued; its result appears on the timeline."
    if request.htmx:
        return render(request, f"{DETAIL}#check-status", {"message": message})
    messages.info(request, message)
    return redirect("incidents:detail", reference=incident.reference)


def _flash_result(request: HttpRequest, form: TransitionForm, success: str) -> None:
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        messages.success(request, success)
