"""Counting the people a rule covers, honestly: what is known, what it may be at most, and
what is not known at all.

People are counted per jurisdiction across the exposed personal-data categories and summed
(generously: the same person in two categories counts twice; record the union in one row
when it is known). A jurisdiction chosen without its number of people ("split unknown")
counts the category's whole high estimate as an upper bound, never as zero."""

from __future__ import annotations

from dataclasses import dataclass, field

from incidents.regulation.facts_model import UNINTELLIGIBLE, BreachFacts, ExposureFact
from incidents.regulation.rules import Rule


@dataclass(frozen=True)
class Source:
    """One exposure's contribution: `known` people for certain, up to `upper`
    (None: not estimated)."""

    exposure: ExposureFact
    known: int
    upper: int | None
    split_unknown: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        e = self.exposure
        if not self.split_unknown:
            return f"{e.category} {e.status} ({self.known:,})"
        places = ", ".join(self.split_unknown)
        bound = f"up to {self.upper:,}" if self.upper is not None else "number not estimated"
        return f"{e.category} {e.status} ({bound}: split for {places} unknown)"


@dataclass(frozen=True)
class Count:
    sources: tuple[Source, ...] = ()
    # Exposures left out because of what happened to the data (an effect the rule does not
    # count) or because the data was unintelligible (a safe harbour): named, never silent.
    other_effects: tuple[ExposureFact, ...] = ()
    exempt: tuple[ExposureFact, ...] = ()
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def known(self) -> int:
        return sum(s.known for s in self.sources)

    @property
    def upper(self) -> int | None:
        """The most people there may be; None when some are not estimated at all."""
        if any(s.upper is None for s in self.sources):
            return None
        return sum(s.upper or 0 for s in self.sources)

    @property
    def exact(self) -> bool:
        return all(not s.split_unknown for s in self.sources)

    @property
    def text(self) -> str:
        if self.exact:
            return f"{self.known:,}"
        if self.upper is None:
            return f"at least {self.known:,}, number not estimated (split by jurisdiction unknown)"
        return f"up to {self.upper:,} (split by jurisdiction unknown)"


def count_people(rule: Rule, facts: BreachFacts) -> Count:
    sources, other_effects, exempt = [], [], []
    for exposure in facts.exposures:
        if exposure.status == "ruled_out" or (rule.personal_data and not exposure.personal):
            continue
        places = [code for code in exposure.places if rule.covers(code)]
        if not places:
            continue
        if not set(exposure.effects) & set(rule.effects):
            other_effects.append(exposure)
            continue
        if rule.encryption_exempt and exposure.protection in UNINTELLIGIBLE:
            exempt.append(exposure)
            continue
        sources.append(source_for(exposure, places))
    return Count(tuple(sources), tuple(other_effects), tuple(exempt))


def source_for(exposure: ExposureFact, places: list[str]) -> Source:
    """The exposure's people in `places` (some of its jurisdictions)."""
    counts = exposure.people_by_jurisdiction
    known = sum(counts[code] for code in places if code in counts)
    unknown = tuple(code for code in places if code not in counts)
    if not unknown:
        return Source(exposure, known, known)
    # Split unknown: every chosen place may hold all of the estimate not placed elsewhere.
    placed_elsewhere = sum(n for code, n in counts.items() if code not in places)
    high = exposure.people_high
    upper = None if high is None else max(known, high - placed_elsewhere)
    return Source(exposure, known, upper, unknown)
