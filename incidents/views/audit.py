"""Audit export: the incident's whole event log plus the chain verification result."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from incidents.access import incident_for
from incidents.audit import chain_row, verify_incident
from incidents.services import security_log


@login_required
@require_GET
def audit_export(request: HttpRequest, reference: str) -> JsonResponse:
    incident = incident_for(request.user, reference)
    events = list(incident.events.order_by("seq"))
    result = verify_incident(incident, events)
    response = JsonResponse(
        {
            "incident": incident.reference,
            "hash_algorithm": "sha256 over canonical JSON (see incidents/services/hashing.py)",
            "head_hash": incident.head_hash,
            "verification": {"intact": result.intact, "summary": result.describe()},
            "events": [chain_row(e) for e in events],
        },
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    response["Content-Disposition"] = f'attachment; filename="{incident.reference}-audit.json"'
    security_log.record(
        "export.audit",
        actor=request.user,
        request=request,
        details={"incident": incident.reference, "events": len(events), "intact": result.intact},
    )
    return response
