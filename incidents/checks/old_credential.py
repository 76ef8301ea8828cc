"""Old credential refused: the rotation task's probe presents the old secret and must be
refused (401/403). The secret comes from an environment variable on the worker, named by
an admin; it is never logged, stored or shown."""

from __future__ import annotations

import os
from typing import Any

from incidents.checks import safe_http
from incidents.checks.base import CheckContext, CheckOutcome, register
from incidents.checks.params import only_known
from incidents.models import RotationTask

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
        secret = os.environ.get(task.probe_secret_env, "") if task.probe_secret_env else ""
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


register(OldCredentialRefused())
