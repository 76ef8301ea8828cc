"""Facts missing from the record that keep the rules from deciding: each named, so the
duties section and the regulator pack say what is not known instead of "no duty"."""

from __future__ import annotations

from incidents.jurisdictions import label
from incidents.regulation.facts_model import BreachFacts
from incidents.regulation.rules import Rule


def record_gaps(rules: tuple[Rule, ...], facts: BreachFacts) -> list[str]:
    gaps = []
    exposures = facts.personal_exposures
    if facts.role is None and exposures:
        gaps.append(
            "Whether we are controller or processor for this data is not recorded: the duties "
            "assume controller."
        )
    for exposure in exposures:
        if not exposure.places:
            gaps.append(
                f"Where the people in “{exposure.category}” live is not recorded: no rule "
                "can be checked for them. Choose their jurisdictions."
            )
    places = sorted({code for e in exposures for code in e.places})
    for code in places:
        if not any(rule.covers(code) for rule in rules):
            gaps.append(
                f"Breachroom has no notification rules for {label(code)} ({code}): the "
                "duties there are not shown. Check that jurisdiction's law."
            )
    return gaps
