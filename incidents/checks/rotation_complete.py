"""Rotation campaign complete: every rotation task verified or exempted."""

from __future__ import annotations

from collections import Counter
from typing import Any

from incidents.checks.base import CheckContext, CheckOutcome, register
from incidents.checks.params import only_known
from incidents.models import ROTATION_DONE, RotationTask


class RotationCampaignComplete:
    kind = "rotation_campaign_complete"
    label = "Rotation campaign complete (all verified or exempted)"

    def clean(self, params: dict[str, Any]) -> dict[str, Any]:
        only_known(params, set())
        return {}

    def run(self, params: dict[str, Any], context: CheckContext) -> CheckOutcome:
        states = Counter(
            RotationTask.objects.filter(incident_id=context.incident_id).values_list(
                "state", flat=True
            )
        )
        total = sum(states.values())
        done = sum(states[s] for s in ROTATION_DONE)
        evidence = {"states": dict(states), "done": done, "total": total}
        if total and done == total:
            return CheckOutcome("pass", f"all {total} rotations verified or exempted", evidence)
        return CheckOutcome("fail", f"{done} of {total} rotations done", evidence)


register(RotationCampaignComplete())
