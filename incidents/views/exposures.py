"""The exposure matrix: add or change one data category's exposure on an incident."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from incidents.access import incident_for, require_response_writer
from incidents.forms.exposures import ExposureForm
from incidents.models import DataCategory, Exposure
from incidents.selectors import incidents as selectors
from incidents.selectors.evidence import file_choices
from incidents.services import ServiceError
from incidents.services.exposures import Range, record_exposure
from incidents.services.free_text import LooksSecret
from incidents.services.incident_fields import EditConflict
from incidents.views.htmx import CONFLICT, UNPROCESSABLE, HtmxHttpRequest

DETAIL = "incidents/incident_detail.html"


@login_required
@require_GET
def exposure_section(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = incident_for(request.user, reference)
    return render(
        request, f"{DETAIL}#exposures", selectors.exposure_section_context(incident, request.user)
    )


@login_required
@require_GET
def exposure_editor(request: HtmxHttpRequest, reference: str, category: str) -> HttpResponse:
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    exposure = get_object_or_404(
        Exposure.objects.select_related("category"), incident=incident, category__slug=category
    )
    form = ExposureForm(initial=_initial(exposure))
    form.fields["backing_files"].choices = file_choices(incident)  # type: ignore[attr-defined]
    form.fields["category"].queryset = DataCategory.objects.filter(pk=exposure.category_id)  # type: ignore[attr-defined]
    return _editor(request, incident, form, exposure, partial="exposure-editor-row")


@login_required
@require_GET
def exposure_new(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    """The form for a category not yet recorded (loaded on demand: it is a big form)."""
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    form = ExposureForm()
    form.fields["backing_files"].choices = file_choices(incident)  # type: ignore[attr-defined]
    recorded = incident.exposures.values("category_id")
    form.fields["category"].queryset = DataCategory.objects.exclude(pk__in=recorded)  # type: ignore[attr-defined]
    return _editor(request, incident, form, None)


@login_required
@require_POST
def exposure_save(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    form = ExposureForm(request.POST)
    form.fields["backing_files"].choices = file_choices(incident)  # type: ignore[attr-defined]
    status, looks_secret = UNPROCESSABLE, False
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_exposure(
                incident=incident,
                category=data["category"],
                status=data["status"],
                by=request.user,
                records=Range(data["records_low"], data["records_high"]),
                people=Range(data["people_low"], data["people_high"]),
                people_by_jurisdiction=data["places"],
                evidence=data["evidence"],
                expected_version=data["version"],
                protection=data["protection"],
                already_public=data["already_public"],
                disclosed=data["disclosed"],
                unavailable=data["unavailable"],
                altered=data["altered"],
                secrets=request.POST.get("secrets", ""),
                backing_files=data["backing_files"],
            )
        except EditConflict as conflict:
            form.add_error(None, conflict)
            status = CONFLICT
        except ServiceError as error:
            form.add_error(None, error)
            looks_secret = isinstance(error, LooksSecret)
        else:
            if not request.htmx:
                return redirect("incidents:detail", reference=reference)
            context = selectors.exposure_section_context(incident, request.user)
            response = render(request, f"{DETAIL}#exposures", context)
            return reswap(retarget(response, "#exposures"), "outerHTML")
    existing = Exposure.objects.filter(
        incident=incident, category=form.cleaned_data.get("category")
    ).first()
    return _editor(request, incident, form, existing, status, looks_secret=looks_secret)


def _initial(exposure: Exposure) -> dict:
    return {
        "category": exposure.category.slug,
        "status": exposure.status,
        "records_low": exposure.records_low,
        "records_high": exposure.records_high,
        "people_low": exposure.people_low,
        "people_high": exposure.people_high,
        "places": {
            code: (exposure.people_by_jurisdiction or {}).get(code)
            for code in exposure.jurisdictions
        },
        "evidence": exposure.evidence,
        "version": exposure.version,
        "protection": exposure.protection,
        "already_public": exposure.already_public,
        "disclosed": exposure.disclosed,
        "unavailable": exposure.unavailable,
        "altered": exposure.altered,
    }


def _editor(
    request: HtmxHttpRequest,
    incident: object,
    form: ExposureForm,
    exposure: Exposure | None,
    status: int = 200,
    partial: str = "exposure-editor",
    looks_secret: bool = False,
) -> HttpResponse:
    template = f"{DETAIL}#{partial}" if request.htmx else "incidents/exposure_edit_page.html"
    context = {
        "incident": incident,
        "form": form,
        "exposure": exposure,
        "looks_secret": looks_secret,
    }
    return render(request, template, context, status=status)
