"""The partner directory and each partner's communications log."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents.access import Ability, may, visible_incidents
from incidents.models import (
    Audience,
    Channel,
    ImportJob,
    Notice,
    Partner,
    PartnerContact,
    SecurityEvent,
)
from incidents.presentation import directory_changes
from incidents.services import ServiceError, partners
from incidents.services.import_jobs import start_import
from incidents.services.partners import add_partner_contact
from incidents.views.htmx import UNPROCESSABLE, HtmxHttpRequest


def _require_role(request: HtmxHttpRequest, *, write: bool = False) -> None:
    if not may(request.user, Ability.USE):
        raise Http404("No such page.")
    if write and not may(request.user, Ability.WRITE_NOTICES):
        raise PermissionDenied("Your role cannot change the partner directory.")


def _context(request: HtmxHttpRequest) -> dict:
    return {
        "partners": Partner.objects.prefetch_related("contacts").order_by("audience", "name"),
        "audiences": Audience.choices,
        "channels": Channel.choices,
        "can_write": may(request.user, Ability.WRITE_NOTICES),
    }


@login_required
@require_http_methods(["GET", "POST"])
def partner_list(request: HtmxHttpRequest) -> HttpResponse:
    _require_role(request, write=request.method == "POST")
    if request.method == "POST":
        data = request.POST
        try:
            partner = add_partner_contact(
                organisation=data.get("organisation", ""),
                audience=data.get("audience", ""),
                jurisdictions=data.get("jurisdictions", "").split(","),
                language=data.get("language", "en"),
                channel=data.get("channel", "email"),
                contact_name=data.get("contact_name", ""),
                contact_email=data.get("contact_email", ""),
                contact_role=data.get("contact_role", ""),
            )
        except ServiceError as error:
            return render(
                request,
                "incidents/partners.html",
                {**_context(request), "error": " ".join(error.messages), "posted": data},
                status=UNPROCESSABLE,
            )
        messages.success(request, f"{partner.name} saved.")
        return redirect("partners")
    return render(request, "incidents/partners.html", _context(request))


@login_required
@require_POST
def partner_import(request: HtmxHttpRequest) -> HttpResponse:
    _require_role(request, write=True)
    upload = request.FILES.get("file")
    context = _context(request)
    if upload is None:
        return render(
            request,
            "incidents/partners.html",
            {**context, "error": "Choose a CSV file."},
            status=UNPROCESSABLE,
        )
    try:
        started = start_import(kind=ImportJob.Kind.PARTNERS, data=upload.read(), by=request.user)
        if isinstance(started, ImportJob):
            return redirect("import-job", job_id=started.pk)
        context["report"] = started
    except ServiceError as error:
        return render(
            request,
            "incidents/partners.html",
            {**context, "error": " ".join(error.messages)},
            status=UNPROCESSABLE,
        )
    return render(request, "incidents/partners.html", context)


@login_required
@require_GET
def partner_log(request: HtmxHttpRequest, partner_id: int) -> HttpResponse:
    """Who told this partner what, when, by whom — only about incidents the user may see;
    and the directory's own history of this partner (the security log)."""
    _require_role(request)
    partner = get_object_or_404(Partner.objects.prefetch_related("contacts"), pk=partner_id)
    return render(request, "incidents/partner_log.html", _partner_context(request, partner))


def _partner_context(request: HtmxHttpRequest, partner: Partner, error: str = "") -> dict:
    notices = (
        Notice.objects.filter(partner=partner, incident__in=visible_incidents(request.user))
        .select_related("incident", "approved_by", "last_editor")
        .order_by("-sent_at", "-pk")
    )
    history = list(
        SecurityEvent.objects.filter(
            verb__startswith="partner", after__partner=partner.pk
        ).order_by("-seq")[:50]
    )
    for event in history:
        event.words = directory_changes.describe(event)  # type: ignore[attr-defined]
    return {
        "partner": partner,
        "notices": notices,
        "history": history,
        "audiences": Audience.choices,
        "channels": Channel.choices,
        "can_write": may(request.user, Ability.WRITE_NOTICES),
        "error": error,
    }


def _changed(
    request: HtmxHttpRequest, partner: Partner, act: Callable[[], object], done: str
) -> HttpResponse:
    """Run a directory change; back to the partner's page with what happened."""
    _require_role(request, write=True)
    try:
        act()
    except ServiceError as refused:
        context = _partner_context(request, partner, " ".join(refused.messages))
        return render(request, "incidents/partner_log.html", context, status=UNPROCESSABLE)
    messages.success(request, done)
    return redirect("partner", partner_id=partner.pk)


@login_required
@require_POST
def partner_edit(request: HtmxHttpRequest, partner_id: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=partner_id)
    data = request.POST
    return _changed(
        request,
        partner,
        lambda: partners.edit_partner(
            partner=partner,
            name=data.get("name", ""),
            audience=data.get("audience", ""),
            jurisdictions=data.get("jurisdictions", "").split(","),
            language=data.get("language", "en"),
            channel=data.get("channel", ""),
            by=request.user,
            request=request,
        ),
        "Saved.",
    )


@login_required
@require_POST
def partner_retire(request: HtmxHttpRequest, partner_id: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=partner_id)
    return _changed(
        request,
        partner,
        lambda: partners.retire_partner(partner=partner, by=request.user, request=request),
        f"{partner.name} retired: no new notice will be offered to it.",
    )


@login_required
@require_POST
def contact_edit(request: HtmxHttpRequest, partner_id: int, contact_id: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=partner_id)
    contact = get_object_or_404(PartnerContact, partner=partner, pk=contact_id)
    data = request.POST
    return _changed(
        request,
        partner,
        lambda: partners.edit_contact(
            contact=contact,
            name=data.get("name", ""),
            email=data.get("email", ""),
            role=data.get("role", ""),
            by=request.user,
            request=request,
        ),
        "Contact saved.",
    )


@login_required
@require_POST
def contact_retire(request: HtmxHttpRequest, partner_id: int, contact_id: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=partner_id)
    contact = get_object_or_404(PartnerContact, partner=partner, pk=contact_id)
    return _changed(
        request,
        partner,
        lambda: partners.retire_contact(contact=contact, by=request.user, request=request),
        f"{contact.email} will no longer be sent notices.",
    )
