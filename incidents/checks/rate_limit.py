"""Rate limit active: a bounded burst of requests must see a 429."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from incidents.checks import safe_http
from incidents.checks.base import CheckContext, CheckOutcome, register
from incidents.checks.params import int_param, only_known, url_param


class RateLimitActive:
    kind = "rate_limit_active"
    label = "Rate limit active (a burst must see 429)"

    def clean(self, params: dict[str, Any]) -> dict[str, Any]:
        only_known(params, {"url", "requests", "seconds"})
        return {
            "url": url_param(params),
            "requests": int_param(params, "requests", 50, 1, 500),
            "seconds": int_param(params, "seconds", 10, 1, 60),
        }

    def run(self, params: dict[str, Any], context: CheckContext) -> CheckOutcome:
        statuses: Counter[int] = Counter()
        deadline = time.monotonic() + params["seconds"]
        first_429 = None
        for number in range(1, params["requests"] + 1):
            if time.monotonic() > deadline:
                break
            status = safe_http.request(params["url"], timeout=2.0).status
            statuses[status] += 1
            if status == 429:
                first_429 = number
                break
        evidence = {
            "request": f"GET {params['url']} x{sum(statuses.values())}",
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "first_429_at_request": first_429,
        }
        if first_429:
            return CheckOutcome("pass", f"429 after {first_429} requests", evidence)
        return CheckOutcome("fail", f"no 429 in {sum(statuses.values())} requests", evidence)


register(RateLimitActive())
