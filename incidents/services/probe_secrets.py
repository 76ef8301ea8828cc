"""The references rotation probes may present (models.ProbeSecret): an admin registers and
retires them, each act on the security log; whoever sets up a probe picks one. Only names
are kept: the value stays on the workers (checks/old_credential.py)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.models import ProbeSecret
from incidents.services import ServiceError, security_log
from incidents.services.retirement import retire_once

# The shape of an environment variable, which is also a safe file name (no path parts).
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")


def active() -> list[ProbeSecret]:
    return list(ProbeSecret.objects.filter(retired_at__isnull=True).order_by("name"))


def is_active(name: str) -> bool:
    return ProbeSecret.objects.filter(name=name, retired_at__isnull=True).exists()


def register(*, name: str, description: str, by: Any, request: Any = None) -> ProbeSecret:
    name, description = name.strip(), " ".join(description.split())[:200]
    if not NAME.match(name):
        raise ServiceError(
            "A secret reference is a name of letters, digits and _ (not starting with a "
            "digit), as the worker's file or environment variable is named."
        )
    with transaction.atomic():
        secret = ProbeSecret.objects.select_for_update().filter(name=name).first()
        if secret is not None and secret.retired_at is None:
            raise ServiceError(f"{name} is already registered.")
        if secret is None:
            secret = ProbeSecret.objects.create(
                name=name, description=description, registered_by=by
            )
        else:  # registered again after it was retired
            secret.description, secret.registered_by, secret.retired_at = description, by, None
            secret.registered_at = timezone.now()
            secret.save()
        security_log.record(
            "probe_secret.registered",
            actor=by,
            request=request,
            details={"name": name, "description": description},
        )
    return secret


def retire(*, secret: ProbeSecret, by: Any, request: Any = None) -> ProbeSecret:
    """Probes that name it stop presenting it (their runs say it was retired)."""
    retire_once(
        ProbeSecret.objects.filter(pk=secret.pk),
        "probe_secret.retired",
        by=by,
        request=request,
        details={"name": secret.name},
    )
    secret.refresh_from_db()
    return secret
