"""Notice templates: the communications role (and admins) edit them (each save is a new version),
with a live preview rendered against an incident of their choosing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from incidents.access import Ability, may, visible_incidents
from incidents.models import NoticeTemplate
from incidents.notices.language import TemplateError
from incidents.notices.rendering import render_notice
from incidents.services import ServiceError
from incidents.services.notices import save_template_version
from incidents.views.htmx import UNPROCESSABLE, HtmxHttpRequest

PAGE = "incidents/notice_template.html"


def _allowed(request: HtmxHttpRequest, *, write: bool = False) -> None:
    if not may(request.user, Ability.USE):
        raise Http404("No such page.")
    if write and not may(request.user, Ability.EDIT_NOTICE_TEMPLATES):
        raise PermissionDenied("Notice templates are edited by communications and admins.")


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HtmxHttpRequest, template_id: int) -> HttpResponse:
    _allowed(request, write=request.method == "POST")
    template = get_object_or_404(NoticeTemplate, pk=template_id)
    versions = NoticeTemplate.objects.filter(name=template.name).order_by("-version")
    incidents = list(visible_incidents(request.user).order_by("-created_at")[:20])
    subject, body, error = template.subject, template.body, ""
    if request.method == "POST":
        subject, body = (
            request.POST.get("subject", ""),
            request.POST.get("body", ""),
        )
        try:
            saved = save_template_version(
                template=template, subject=subject, body=body, by=request.user
            )
        except ServiceError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"Saved as version {saved.version}.")
            return redirect("notice-template", template_id=saved.pk)
    context = {
        "template": template,
        "versions": versions,
        "incidents": incidents,
        "subject": subject,
        "body": body,
        "error": error,
        "can_edit_templates": may(request.user, Ability.EDIT_NOTICE_TEMPLATES),
        **_help(),
        **_preview(request, incidents[0].pk if incidents else None, subject, body),
    }
    return render(request, PAGE, context, status=UNPROCESSABLE if error else 200)


@login_required
@require_POST
def template_preview(request: HtmxHttpRequest, template_id: int) -> HttpResponse:
    _allowed(request)
    get_object_or_404(NoticeTemplate, pk=template_id)
    incident_id = request.POST.get("incident") or ""
    context = _preview(
        request,
        int(incident_id) if incident_id.isdigit() else None,
        request.POST.get("subject", ""),
        request.POST.get("body", ""),
    )
    return render(request, f"{PAGE}#preview", context)


def _preview(request: HtmxHttpRequest, incident_id: int | None, subject: str, body: str) -> dict:
    incident = (
        visible_incidents(request.user).filter(pk=incident_id).first() if incident_id else None
    )
    if incident is None:
        return {"preview_error": "Choose an incident you can see to preview against."}
    try:
        return {
            "preview": render_notice(
                incident=incident, subject=subject, body=body, partner_name="(partner)"
            ),
            "preview_incident": incident,
        }
    except TemplateError as error:
        return {"preview_error": str(error), "preview_incident": incident}


def _help() -> dict:
    from incidents.notices.claims import CLAIMS
    from incidents.notices.context import CONTEXT_NAMES
    from incidents.notices.language import FILTERS

    return {
        "context_names": CONTEXT_NAMES,
        "claims": {k: c.says for k, c in CLAIMS.items()},
        "filters": list(FILTERS),
    }
