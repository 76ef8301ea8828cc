"""Old credential refused: the rotation task's probe presents the old secret and must be
refused (401/403). The secret is named by a reference an admin registered
(models.ProbeSecret) and read on the worker at probe time: the file of that name in
PROBE_SECRETS_DIR, or else the worker's environment variable of that name. It is never
logged, stored or shown."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings

from incidents.checks import safe_http
from incidents.checks.base import CheckContext, CheckOutcome, register
from incidents.checks.params import only_known
from incidents.models import ProbeSecret, RotationTask
from incidents.services.probe_secrets import NAME

REFUSED = (401, 403)


class OldCredentialRefused:
    kind = "old_credential_refused"
    label = "Old credential refused (rotation probe)"

    def clean(self, params: dict[str, Any]) -> dict[str, Any]:
        only_known(params, set())
        return {}

    def run(self, params: dict[str, Any], context: CheckContext) -> CheckOutcome:
        if context.rotation_id is None:
            return CheckOutcome("error", "this check runs only from a rotation task", {})
        task = RotationTask.objects.get(pk=context.rotation_id)
        reference = task.probe_secret_env
        if (
            reference
            and not ProbeSecret.objects.filter(name=reference, retired_at__isnull=True).exists()
        ):
            return CheckOutcome(
                "error",
                f"the secret reference {reference} is not registered (or was retired)",
                {"missing": reference},
            )
        secret = secret_value(reference) if reference else ""
        if not task.probe_url or not secret:
            missing = (
                "probe URL" if not task.probe_url else f"${task.probe_secret_env or '(unset)'}"
            )
            return CheckOutcome(
                "error", f"probe not configured: {missing} missing", {"missing": missing}
            )
        response = safe_http.request(task.probe_url, headers={task.probe_header: secret})
        evidence = {
            "request": f"GET {task.probe_url} with {task.probe_header}: <old credential from "
            f"${task.probe_secret_env}, redacted>",
            "status": response.status,
            "elapsed_ms": response.elapsed_ms,
        }
        if response.status in REFUSED:
            return CheckOutcome("pass", f"old credential refused ({response.status})", evidence)
        return CheckOutcome("fail", f"old credential still accepted ({response.status})", evidence)


def secret_value(reference: str) -> str:
    """The old credential a reference names, as this worker sees it now: its file in
    PROBE_SECRETS_DIR (placed without a restart), else its environment variable."""
    if not NAME.match(reference):  # never a path: the name is the file's whole name
        return ""
    path = Path(settings.PROBE_SECRETS_DIR) / reference
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return os.environ.get(reference, "")


register(OldCredentialRefused())
