"""The credential inventory: list, add one, import many from CSV with a per-row report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from incidents.access import Ability, may
from incidents.forms.mitigation import CredentialForm, CredentialImportForm
from incidents.models import CredentialKind, ImportJob
from incidents.selectors import mitigation as sections
from incidents.services import ServiceError
from incidents.services.credentials import add_credential
from incidents.services.import_jobs import start_import
from incidents.views.htmx import UNPROCESSABLE, HtmxHttpRequest

PAGE = "incidents/credentials.html"


def _require_role(request: HtmxHttpRequest, *, write: bool = False) -> None:
    if not may(request.user, Ability.USE):
        raise Http404("No such page.")
    if write and not may(request.user, Ability.WRITE_RESPONSE):
        raise PermissionDenied("Your role is read-only for the credential inventory.")


@login_required
@require_http_methods(["GET", "POST"])
def credential_list(request: HtmxHttpRequest) -> HttpResponse:
    _require_role(request, write=request.method == "POST")
    form = CredentialForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            data = form.cleaned_data
            try:
                credential = add_credential(**{**data, "tags": data["tags"].split(",")})
            except ServiceError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{credential.name} added.")
                return redirect("credentials")
    return render(request, PAGE, _context(request, form), status=status)


@login_required
@require_POST
def credential_import(request: HtmxHttpRequest) -> HttpResponse:
    _require_role(request, write=True)
    form = CredentialImportForm(request.POST, request.FILES)
    context = _context(request, CredentialForm())
    context["import_form"] = form
    if not form.is_valid():
        return render(request, PAGE, context, status=UNPROCESSABLE)
    try:
        started = start_import(
            kind=ImportJob.Kind.CREDENTIALS, data=form.cleaned_data["file"].read(), by=request.user
        )
    except ServiceError as error:
        form.add_error("file", error)
        return render(request, PAGE, context, status=UNPROCESSABLE)
    if isinstance(started, ImportJob):
        return redirect("import-job", job_id=started.pk)
    context["report"] = started
    context["page"] = sections.credentials_page({}, 1)
    return render(request, PAGE, context)


def _context(request: HtmxHttpRequest, form: CredentialForm) -> dict:
    filters = {key: request.GET.get(key, "")[:120] for key in ("q", "system", "kind")}
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return {
        "page": sections.credentials_page(filters, request.GET.get("page")),
        "form": form,
        "import_form": CredentialImportForm(),
        "filters": filters,
        "kinds": CredentialKind.choices,
        "can_write": may(request.user, Ability.WRITE_RESPONSE),
        "query": query,
    }
