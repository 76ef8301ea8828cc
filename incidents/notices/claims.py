"""Claims a notice may state only while the record supports them.

A notice states a fact through a claim block, e.g.
    {% claim payment_not_compromised %}No payment information was compromised.{% endclaim %}
The block renders only while its predicate holds; when exposures change, notices that state
a claim that no longer holds are flagged and lose their approval (services/notices.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from incidents.models import ExposureStatus
from incidents.notices.facts import Facts


@dataclass(frozen=True)
class Claim:
    key: str
    says: str
    holds: Callable[[Facts], bool]
    why_not: Callable[[Facts], str]


def _ruled_out(slug: str, label: str) -> tuple[Callable[[Facts], bool], Callable[[Facts], str]]:
    def holds(facts: Facts) -> bool:
        return facts.status_of(slug) == ExposureStatus.RULED_OUT

    def why_not(facts: Facts) -> str:
        status = facts.status_of(slug)
        state = "not assessed" if status is None else ExposureStatus(status).label.lower()
        return f"{label} is {state}, not ruled out"

    return holds, why_not


def _no_special(facts: Facts) -> bool:
    return not any(e.category.special_category for e in facts.exposed())


def _rotated(facts: Facts) -> bool:
    return facts.rotations_total > 0 and facts.rotations_done == facts.rotations_total


CLAIMS = {
    claim.key: claim
    for claim in (
        Claim(
            "payment_not_compromised",
            "No payment information was compromised.",
            *_ruled_out("financial-payment", "Financial and payment information"),
        ),
        Claim(
            "brand_safety_not_exposed",
            "Advertisers' brand-safety configuration was not exposed.",
            *_ruled_out("advertiser-brand-safety", "Advertiser brand-safety configuration"),
        ),
        Claim(
            "no_special_category_data",
            "No special-category (GDPR Art. 9) data was involved.",
            _no_special,
            lambda f: "a special-category data category is confirmed or suspected",
        ),
        Claim(
            "credentials_rotated",
            "Every exposed credential has been rotated and the old ones refused.",
            _rotated,
            lambda f: f"{f.rotations_done} of {f.rotations_total} rotations verified or exempted",
        ),
    )
}


def failing_claims(keys: list[str], facts: Facts) -> dict[str, str]:
    """Claim key -> why it no longer holds, for the keys that fail."""
    return {
        key: CLAIMS[key].why_not(facts)
        for key in keys
        if key in CLAIMS and not CLAIMS[key].holds(facts)
    }
