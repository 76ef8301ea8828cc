"""Which sent notice can meet which duty: one sent to that duty's audience, in its scope.
An advertiser update cannot meet a duty to tell the ICO."""

from __future__ import annotations

from typing import Any

from incidents.models import Audience
from incidents.regulation.rules import rule_by_id

AUDIENCE_FOR = {
    "authority": {Audience.AUTHORITY},
    "attorney_general": {Audience.AUTHORITY},
    "individuals": {Audience.CUSTOMERS},
}
WORDS = {
    "authority": "a data protection authority",
    "attorney_general": "the attorney general or state agency",
    "individuals": "the people affected (customers)",
    "controller": "the controller we process for",
}


def answers(*, rule_id: str, notify: str, partner: Any, controller_id: int | None) -> bool:
    """Whether a notice sent to `partner` can meet a duty of rule `rule_id`."""
    if notify == "controller":
        return controller_id is not None and partner.pk == controller_id
    if notify == "partners":
        return True
    if partner.audience not in AUDIENCE_FOR.get(notify, set()):
        return False
    rule = rule_by_id(rule_id)
    places = list(partner.jurisdictions or [])
    if not places:
        return notify == "individuals"  # a notice to all customers reaches every place
    return rule is not None and any(rule.covers(code) for code in places)


def refusal(notify: str, rule_id: str) -> str:
    rule = rule_by_id(rule_id)
    scope = f" in {rule.scope_text}" if rule and notify != "controller" else ""
    return (
        f"This duty is met by a notice sent to {WORDS.get(notify, notify)}{scope}; "
        "that notice went to someone else."
    )
