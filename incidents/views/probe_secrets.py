"""The secret references rotation probes may present: everyone with a role sees the list
(they pick from it), admins register and retire them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from incidents.access import Ability, may, require
from incidents.models import ProbeSecret
from incidents.services import ServiceError, probe_secrets

PAGE = "incidents/probe_secrets.html"


@login_required
@require_http_methods(["GET", "POST"])
def probe_secrets_page(request: HttpRequest) -> HttpResponse:
    require(request.user, Ability.USE)
    error, posted = "", {}
    if request.method == "POST":
        require(request.user, Ability.REGISTER_PROBE_SECRETS)
        posted = {k: request.POST.get(k, "") for k in ("name", "description")}
        try:
            secret = probe_secrets.register(
                name=posted["name"],
                description=posted["description"],
                by=request.user,
                request=request,
            )
        except ServiceError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"{secret.name} registered: probes may now present it.")
            return redirect("probe-secrets")
    context = {
        "secrets": ProbeSecret.objects.select_related("registered_by").order_by(
            "retired_at", "name"
        ),
        "can_register": may(request.user, Ability.REGISTER_PROBE_SECRETS),
        "error": error,
        "posted": posted,
    }
    return render(request, PAGE, context, status=422 if error else 200)


@login_required
@require_POST
def probe_secret_retire(request: HttpRequest, secret_id: int) -> HttpResponse:
    require(request.user, Ability.REGISTER_PROBE_SECRETS)
    secret = get_object_or_404(ProbeSecret, pk=secret_id)
    probe_secrets.retire(secret=secret, by=request.user, request=request)
    messages.success(request, f"{secret.name} retired: probes that name it no longer run.")
    return redirect("probe-secrets")
