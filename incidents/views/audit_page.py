"""The Audit page for auditors and admins: the key that signs the checkpoints, the latest
checkpoint, the last verification runs (the beat's hourly and any asked for here), a
button to verify now (a worker, with progress), and the standalone verifier to download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from incidents.access import Ability, may, require
from incidents.checkpoints import keys
from incidents.models import AuditCheckpoint, AuditVerification
from incidents.services import ServiceError, audit_runs, security_log, witnesses
from incidents.services.checkpoints import make_checkpoint
from incidents.views.htmx import HtmxHttpRequest

VERIFIER = settings.BASE_DIR / "tools" / "verify_bundle.py"


def _key() -> keys.SigningKey | None:
    try:
        return keys.load(create=False)
    except (FileNotFoundError, ValueError):
        return None


@login_required
@require_GET
def audit_page(request: HtmxHttpRequest) -> HttpResponse:
    require(request.user, Ability.READ_SECURITY_LOG)
    runs = list(AuditVerification.objects.select_related("requested_by")[:10])
    context = {
        "key": _key(),
        "latest": AuditCheckpoint.objects.order_by("-seq").first(),
        "checkpoints": AuditCheckpoint.objects.count(),
        "runs": runs,
        "last_full": next((r for r in runs if r.state == "done"), None),
        "running": next((r for r in runs if r.running), None),
        "every_minutes": settings.AUDIT_CHECKPOINT_MINUTES,
        "witnesses": witnesses.latest_by_witness(),
        "can_checkpoint": may(request.user, Ability.GRANT_ROLES),
    }
    response = render(request, "incidents/audit.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def audit_verify(request: HtmxHttpRequest) -> HttpResponse:
    require(request.user, Ability.READ_SECURITY_LOG)
    try:
        run = audit_runs.request_run(by=request.user)
    except ServiceError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("audit")
    security_log.record(
        "audit.verification_requested", actor=request.user, request=request, details={}
    )
    return redirect("audit-run", run_id=run.pk)


@login_required
@require_GET
def audit_run(request: HtmxHttpRequest, run_id: int) -> HttpResponse:
    require(request.user, Ability.READ_SECURITY_LOG)
    run = AuditVerification.objects.filter(pk=run_id).select_related("requested_by").first()
    if run is None:
        raise Http404("No such verification run.")
    template = "incidents/audit_run.html#progress" if request.htmx else "incidents/audit_run.html"
    response = render(request, template, {"run": run})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def audit_checkpoint(request: HtmxHttpRequest) -> HttpResponse:
    """A checkpoint now (admins), besides the beat's every few minutes."""
    require(request.user, Ability.GRANT_ROLES)
    made = make_checkpoint()
    assert made is not None
    security_log.record(
        "audit.checkpoint_made", actor=request.user, request=request, details={"seq": made.seq}
    )
    messages.success(request, f"Checkpoint {made.seq} signed over {made.tree_size} chains.")
    return redirect("audit")


@login_required
@require_GET
def audit_verifier(request: HtmxHttpRequest) -> FileResponse:
    """The standalone verifier (tools/verify_bundle.py), as a file to keep."""
    require(request.user, Ability.USE)
    return FileResponse(
        VERIFIER.open("rb"),
        as_attachment=True,
        filename="verify_bundle.py",
        content_type="text/x-python; charset=utf-8",
    )
