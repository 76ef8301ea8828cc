"""Notices on an incident: draft for partners, edit with a live preview, review, approve."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from incidents.access import incident_for
from incidents.models import Incident, Notice, NoticeState, NoticeTemplate, Partner
from incidents.notices.language import TemplateError
from incidents.notices.pdf import notice_pdf as notice_pdf_bytes
from incidents.notices.rendering import render_notice
from incidents.selectors.notices import (
    can_write_notices,
    notice_page_context,
    notices_section_context,
)
from incidents.services import ServiceError
from incidents.services import notices as notice_service
from incidents.views.htmx import UNPROCESSABLE, HtmxHttpRequest

DETAIL = "incidents/incident_detail.html"
PAGE = "incidents/notice_page.html"


def _writer(request: HtmxHttpRequest, reference: str) -> Incident:
    incident = incident_for(request.user, reference)
    if not can_write_notices(request.user):
        raise PermissionDenied("Your role cannot write notices.")
    return incident


def _notice(request: HtmxHttpRequest, reference: str, notice_id: int, *, write: bool) -> Notice:
    incident = _writer(request, reference) if write else incident_for(request.user, reference)
    return get_object_or_404(
        Notice.objects.select_related("partner", "incident", "template"),
        incident=incident,
        pk=notice_id,
    )


@login_required
@require_POST
def notices_draft(request: HtmxHttpRequest, reference: str) -> HttpResponse:
    incident = _writer(request, reference)
    error = ""
    try:
        template = NoticeTemplate.objects.filter(pk=_int(request.POST.get("template"))).first()
        chosen = Partner.objects.filter(pk__in=[_int(p) for p in request.POST.getlist("partners")])
        if request.POST.get("audience"):  # everyone of an audience, e.g. all advertisers
            chosen = chosen | Partner.objects.filter(audience=request.POST["audience"])
        partners = list(chosen.filter(retired_at__isnull=True).distinct())  # retired: none
        if template is None or not partners:
            raise ServiceError("Choose a template and at least one partner.")
        notice_service.draft_for(
            incident=incident, template=template, partners=partners, by=request.user
        )
    except ServiceError as refused:
        error = " ".join(refused.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("incidents:detail", reference=reference)
    context = notices_section_context(incident, request.user, error)
    return render(request, f"{DETAIL}#notices", context, status=UNPROCESSABLE if error else 200)


@login_required
@require_GET
def notice_page(request: HtmxHttpRequest, reference: str, notice_id: int) -> HttpResponse:
    notice = _notice(request, reference, notice_id, write=False)
    return render(
        request,
        PAGE,
        {
            **notice_page_context(notice, request.user),
            **_preview(notice, notice.subject, notice.body),
        },
    )


@login_required
@require_GET
def notice_status(request: HtmxHttpRequest, reference: str, notice_id: int) -> HttpResponse:
    """Asked every 2 s while a notice is being sent: the same "sending…" while it is, and
    a reload of the page once the mail server answered (sent, or failed with its reply)."""
    notice = _notice(request, reference, notice_id, write=False)
    if notice.state == NoticeState.APPROVED and notice.send_queued_at is not None:
        return render(
            request, f"{PAGE}#delivery-status", {"notice": notice, "incident": notice.incident}
        )
    done = HttpResponse(status=200)
    done["HX-Refresh"] = "true"
    return done


@login_required
@require_POST
def notice_preview(request: HtmxHttpRequest, reference: str, notice_id: int) -> HttpResponse:
    """Live preview beside the editor: renders the unsaved text against the incident now."""
    notice = _notice(request, reference, notice_id, write=True)
    subject, body = (
        request.POST.get("subject", ""),
        request.POST.get("body", ""),
    )
    return render(request, f"{PAGE}#preview", _preview(notice, subject, body))


def _preview(notice: Notice, subject: str, body: str) -> dict[str, Any]:
    try:
        rendered = render_notice(
            incident=notice.incident, subject=subject, body=body, partner=notice.partner
        )
    except TemplateError as error:
        return {"preview_error": str(error)}
    return {"preview": rendered}


def _act(request: HtmxHttpRequest, notice: Notice, action: Callable[[], Any]) -> HttpResponse:
    try:
        action()
    except ServiceError as refused:
        messages.error(request, " ".join(refused.messages))
    return redirect("incidents:notice", reference=notice.incident.reference, notice_id=notice.pk)


@login_required
@require_POST
def notice_edit(request: HtmxHttpRequest, reference: str, notice_id: int) -> HttpResponse:
    notice = _notice(request, reference, notice_id, write=True)
    return _act(
        request,
        notice,
        lambda: notice_service.edit_notice(
            notice=notice,
            subject=request.POST.get("subject", ""),
            body=request.POST.get("body", ""),
            by=request.user,
            expected_version=_int(request.POST.get("version")),
        ),
    )


@login_required
@require_POST
def notice_submit(request: HtmxHttpRequest, reference: str, notice_id: int) -> HttpResponse:
    notice = _notice(request, reference, notice_id, write=True)
    return _act(
        request, notice, lambda: notice_service.submit_for_review(notice=notice, by=request.user)
    )


@login_required
@require_POST
def notice_approve(request: HtmxHttpRequest, reference: str, notice_id: int) -> HttpResponse:
    notice = _notice(request, reference, notice_id, write=True)
    return _act(
        request, notice, lambda: notice_service.approve_notice(notice=notice, by=request.user)
    )


@login_required
@require_POST
def notice_send(request: HtmxHttpRequest, reference: str, notice_id: int) -> HttpResponse:
    notice = _notice(request, reference, notice_id, write=True)
    return _act(request, notice, lambda: notice_service.queue_send(notice=notice, by=request.user))


@login_required
@require_POST
def notice_follow_up(request: HtmxHttpRequest, reference: str, notice_id: int) -> HttpResponse:
    notice = _notice(request, reference, notice_id, write=True)
    try:
        new = notice_service.follow_up(notice=notice, by=request.user)
    except ServiceError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("incidents:notice", reference=reference, notice_id=notice_id)
    return redirect("incidents:notice", reference=reference, notice_id=new.pk)


@login_required
@require_GET
def notice_pdf(request: HtmxHttpRequest, reference: str, notice_id: int) -> HttpResponse:
    """The PDF: the frozen text once sent, otherwise the notice as it would read now."""
    notice = _notice(request, reference, notice_id, write=False)
    if notice.state == NoticeState.SENT:
        subject, body = notice.rendered_subject, notice.rendered_body
        sent = f"{notice.sent_at:%Y-%m-%d %H:%M} UTC"
        footer = f"{notice.incident.reference} · sent {sent} · SHA-256 {notice.content_sha256}"
    else:
        try:
            rendered = render_notice(
                incident=notice.incident,
                subject=notice.subject,
                body=notice.body,
                partner=notice.partner,
            )
        except TemplateError as error:
            messages.error(request, str(error))
            return redirect("incidents:notice", reference=reference, notice_id=notice_id)
        subject, body = rendered.subject, rendered.body
        footer = f"{notice.incident.reference} · DRAFT ({notice.get_state_display()}), not sent"
    response = HttpResponse(
        notice_pdf_bytes(subject=subject, body=body, footer=footer), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{notice.incident.reference}-notice-{notice.pk}.pdf"'
    )
    return response


def _int(raw: Any) -> int:
    """A row id from a form; anything that cannot be one (junk, or beyond a 64-bit key,
    which SQLite refuses to even compare) is -1: no such row."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return -1
    return value if 0 < value < 2**63 else -1
