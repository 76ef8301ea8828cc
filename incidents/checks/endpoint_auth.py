"""Endpoint requires authentication: an unauthenticated request must get 401 or 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from incidents.checks import safe_http
from incidents.checks.base import CheckContext, CheckOutcome, register
from incidents.checks.params import only_known, url_param

METHODS = ("GET", "HEAD", "POST")
REFUSED = (401, 403)


class EndpointRequiresAuth:
    kind = "endpoint_requires_auth"
    label = "Endpoint requires authentication (expects 401/403)"

    def clean(self, params: dict[str, Any]) -> dict[str, Any]:
        only_known(params, {"url", "method"})
        method = str(params.get("method", "GET")).upper()
        if method not in METHODS:
            raise ValidationError(f"'method' must be one of {', '.join(METHODS)}.")
        return {"url": url_param(params), "method": method}

    def run(self, params: dict[str, Any], context: CheckContext) -> CheckOutcome:
        response = safe_http.request(params["url"], method=params["method"])
        evidence = {
            "request": f"{params['method']} {params['url']} without credentials",
            "status": response.status,
            "elapsed_ms": response.elapsed_ms,
            "hops": response.hops,
        }
        if response.status in REFUSED:
            return CheckOutcome(
                "pass", f"refused without credentials ({response.status})", evidence
            )
        return CheckOutcome("fail", f"answered {response.status} without credentials", evidence)


register(EndpointRequiresAuth())
