"""Claims a notice may state only while the record supports them.

A notice states a fact through a claim block, e.g.
    {% claim payment_not_compromised %}No payment information was compromised.{% endclaim %}
The block renders only while its predicate holds; when exposures change, notices that state
a claim that no longer holds are flagged and lose their approval (services/notices.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from incidents.models import ExposureStatus
from incidents.notices.basis import Proof
from incidents.notices.facts import Facts
from incidents.presentation.timefmt import local_text


@dataclass(frozen=True)
class Claim:
    key: str
    says: str
    holds: Callable[[Facts], bool]
    why_not: Callable[[Facts], str]
    # The decision and evidence the claim rests on, in lines for the notice page and the
    # regulator pack (notices/basis.py).
    rests_on: Callable[[Facts], list[str]] = lambda facts: []
    proofs: Callable[[Facts], list[Proof]] = lambda facts: []


def _ruled_out(
    slug: str, label: str
) -> tuple[
    Callable[[Facts], bool],
    Callable[[Facts], str],
    Callable[[Facts], list[str]],
    Callable[[Facts], list[Proof]],
]:
    """A claim that a category was not reached: it holds while the category is ruled out
    and something (a file, a passing check's proof, a confirmation) still backs that."""

    def proofs(facts: Facts) -> list[Proof]:
        exposure = facts.exposure_of(slug)
        return facts.proofs.get(exposure.pk, []) if exposure is not None else []

    def holds(facts: Facts) -> bool:
        return facts.status_of(slug) == ExposureStatus.RULED_OUT and bool(proofs(facts))

    def why_not(facts: Facts) -> str:
        status = facts.status_of(slug)
        if status == ExposureStatus.RULED_OUT:
            return f"{label} is ruled out, but nothing backs that any more"
        state = "not assessed" if status is None else ExposureStatus(status).label.lower()
        return f"{label} is {state}, not ruled out"

    def rests_on(facts: Facts) -> list[str]:
        exposure = facts.exposure_of(slug)
        if exposure is None:
            return [f"{label}: not assessed"]
        decided = exposure.decided_by.get_username() if exposure.decided_by else "system"
        line = (
            f"{label}: {exposure.get_status_display().lower()} by {decided}, "
            f"{local_text(exposure.decided_at)}"
            + (f": “{exposure.evidence}”" if exposure.evidence else "")
        )
        return [line]

    return holds, why_not, rests_on, proofs


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


def basis(keys: list[str], facts: Facts) -> list[tuple[Claim, list[str], list[Proof]]]:
    """For each claim stated: the claim, the decision lines it rests on and its evidence."""
    return [
        (CLAIMS[key], CLAIMS[key].rests_on(facts), CLAIMS[key].proofs(facts))
        for key in keys
        if key in CLAIMS
    ]
