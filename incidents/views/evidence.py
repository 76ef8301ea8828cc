"""An incident's evidence files: listed and uploaded on their own page, downloaded only
through the access gate and only as an attachment, each download on the chain."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents.access import Ability, incident_for, may, require_response_writer
from incidents.evidence import scanning, thumbnails
from incidents.evidence.upload import HashingUploadHandler, handler_of
from incidents.models import CaseBundle, Evidence, EvidenceLink, Incident
from incidents.selectors.evidence import link_targets, links_by_file
from incidents.services import ServiceError, evidence_links
from incidents.services import evidence as evidence_service
from incidents.views.htmx import UNPROCESSABLE, AuthedRequest

PAGE = "incidents/evidence.html"
MAX_FILES = 20


@login_required
@require_http_methods(["GET", "POST"])
def evidence_page(request: AuthedRequest, reference: str) -> HttpResponse:
    """Uploads are hashed as they stream (evidence/upload.py, set up by its middleware)."""
    incident = incident_for(request.user, reference)
    errors: list[str] = []
    if request.method == "POST":
        require_response_writer(request.user, incident)
        errors = _keep_all(request, incident, handler_of(request))
        if not errors:
            return redirect("incidents:evidence", reference=incident.reference)
    context = {
        "incident": incident,
        "files": Evidence.objects.filter(incident=incident).select_related("blob", "uploaded_by"),
        "can_upload": may(request.user, Ability.WRITE_RESPONSE),
        "links": links_by_file(incident),
        "bundles": list(CaseBundle.objects.filter(incident=incident)[:5]),
        "link_targets": link_targets(incident) if may(request.user, Ability.WRITE_RESPONSE) else [],
        "can_redact": may(request.user, Ability.REDACT_EVIDENCE),
        "max_bytes": settings.EVIDENCE_MAX_BYTES,
        "scanning": scanning.configured(),
        "image_types": thumbnails.IMAGE_TYPES,
        "errors": errors,
    }
    return render(request, PAGE, context, status=UNPROCESSABLE if errors else 200)


def _keep_all(
    request: AuthedRequest, incident: Incident, handler: HashingUploadHandler | None
) -> list[str]:
    """Each file kept or refused on its own; the page says which and why."""
    try:
        files = request.FILES.getlist("files")
    except MultiPartParserError:  # a body that is not a well-formed upload
        return ["The upload could not be read (a broken form body): nothing was kept."]
    if handler is None:  # the middleware did not see this request: nothing was hashed
        return ["The upload was not received as expected: nothing was kept."]
    if handler.too_large:
        limit = f"{settings.EVIDENCE_MAX_BYTES:,}"
        return [f"A file is larger than the limit ({limit} bytes): nothing was kept."]
    if not files:
        return ["Choose at least one file."]
    if len(files) > MAX_FILES:
        return [f"At most {MAX_FILES} files at once: nothing was kept."]
    errors, kept = [], 0
    for upload in files:
        try:
            evidence_service.keep(incident=incident, upload=upload, by=request.user)
            kept += 1
        except ServiceError as refused:
            errors.append(" ".join(refused.messages))
    if kept:
        messages.success(request, f"Kept {kept} file{'s' * (kept != 1)}.")
    return errors


@login_required
@require_GET
def evidence_download(
    request: AuthedRequest, reference: str, evidence_id: int
) -> HttpResponse | FileResponse:
    """Always a download, never shown inline: the bytes are whatever an attacker may have
    put in a log or a mail. The hash travels with them."""
    incident = incident_for(request.user, reference)
    found = Evidence.objects.filter(incident=incident, pk=evidence_id).select_related("blob")
    evidence = found.first()
    if evidence is None:
        raise Http404("No such file on this incident.")
    if evidence.redacted_at is not None:
        return render(request, "incidents/evidence_redacted.html", {"file": evidence}, status=410)
    if evidence.quarantined_at is not None:  # kept for the record, never handed out
        return render(request, "incidents/evidence_redacted.html", {"file": evidence}, status=403)
    evidence_service.record_download(evidence=evidence, by=request.user)
    response = FileResponse(
        evidence_service.open_blob(evidence.blob),
        as_attachment=True,
        filename=evidence.filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Evidence-SHA256"] = evidence.blob.sha256
    return response


@login_required
@require_POST
def evidence_redact(request: AuthedRequest, reference: str, evidence_id: int) -> HttpResponse:
    incident = incident_for(request.user, reference)
    if not may(request.user, Ability.REDACT_EVIDENCE):
        raise PermissionDenied("Your role cannot redact evidence: only admins can.")
    evidence = Evidence.objects.filter(incident=incident, pk=evidence_id).first()
    if evidence is None:
        raise Http404("No such file on this incident.")
    try:
        evidence_service.redact(
            evidence=evidence, reason=request.POST.get("reason", ""), by=request.user
        )
    except ServiceError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, f"“{evidence.filename}” redacted; its hash stays.")
    return redirect("incidents:evidence", reference=incident.reference)


@login_required
@require_POST
def evidence_link(request: AuthedRequest, reference: str, evidence_id: int) -> HttpResponse:
    """Link a file to what it bears on; the form's value is 'kind:id'."""
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    evidence = Evidence.objects.filter(incident=incident, pk=evidence_id).select_related("blob")
    found = evidence.first()
    if found is None:
        raise Http404("No such file on this incident.")
    kind, _, target_id = request.POST.get("target", "").partition(":")
    try:
        target = evidence_links.find_target(incident, kind, target_id)
        evidence_links.link(evidence=found, kind=kind, target=target, by=request.user)
    except ServiceError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, f"“{found.filename}” linked.")
    return redirect(
        reverse("incidents:evidence", args=[incident.reference]) + f"#evidence-{found.pk}"
    )


@login_required
@require_POST
def evidence_unlink(request: AuthedRequest, reference: str, link_id: int) -> HttpResponse:
    incident = incident_for(request.user, reference)
    require_response_writer(request.user, incident)
    found = EvidenceLink.objects.filter(incident=incident, pk=link_id).first()
    if found is None:
        raise Http404("No such link on this incident.")
    try:
        evidence_links.unlink(evidence_link=found, by=request.user)
    except ServiceError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, "Unlinked; the link stays on the record as removed.")
    return redirect(
        reverse("incidents:evidence", args=[incident.reference]) + f"#evidence-{found.evidence_id}"
    )


@login_required
@require_GET
def evidence_thumbnail(request: AuthedRequest, reference: str, evidence_id: int) -> HttpResponse:
    """A server-drawn PNG preview of an image (evidence/thumbnails.py), through the gate.
    Not a copy of the file, so not a custody event; none for a redacted or quarantined one."""
    incident = incident_for(request.user, reference)
    found = Evidence.objects.filter(incident=incident, pk=evidence_id).select_related("blob")
    evidence = found.first()
    if evidence is None or not evidence.usable:
        raise Http404("No preview of this file.")
    drawn = thumbnails.thumbnail(evidence.blob)
    if drawn is None:
        raise Http404("No preview of this file.")
    response = HttpResponse(drawn, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
