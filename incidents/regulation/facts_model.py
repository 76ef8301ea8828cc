"""The plain facts the rules engine decides from: no database, so every rule can be tested
in a table. `regulation.facts` reads them from an incident's record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

# Protection that leaves data unintelligible to anyone not authorised (GDPR Art. 34(3)(a);
# a keyed or salted hash counts only while its key is safe).
UNINTELLIGIBLE = frozenset({"encrypted_key_safe", "hashed_salted"})
# What an assessed level means in the Regulation's words (Breachroom's reading of the
# ENISA bands against Art. 33(1) and 34(1): docs/regulation.md).
LEVEL_MEANING = {
    "low": "unlikely to result in a risk to people",
    "medium": "a risk to people",
    "high": "a high risk to people",
    "very_high": "a high risk to people",
}


@dataclass(frozen=True)
class ExposureFact:
    category: str
    personal: bool
    status: str  # confirmed | suspected | ruled_out
    people_by_jurisdiction: Mapping[str, int] = field(default_factory=dict)
    # Where the people live; a place here without a number is "split unknown".
    jurisdictions: tuple[str, ...] = ()
    people_high: int | None = None
    protection: str = "unknown"
    effects: frozenset[str] = frozenset({"confidentiality"})

    @property
    def places(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.jurisdictions) | set(self.people_by_jurisdiction)))

    @property
    def unintelligible(self) -> bool:
        return self.protection in UNINTELLIGIBLE


@dataclass(frozen=True)
class RiskFact:
    """The current risk assessment."""

    level: str
    version: int = 1
    assessed_at: dt.datetime | None = None
    # When the current run of "high" began: the first version since the last lower one.
    high_risk_since: dt.datetime | None = None
    measures_remove_high_risk: bool = False
    rationale: str = ""


@dataclass(frozen=True)
class BreachFacts:
    aware_at: dt.datetime | None
    exposures: tuple[ExposureFact, ...]
    risk: RiskFact | None = None
    # When the people of a jurisdiction were told ({"US-CA": ...}): some clocks start there.
    individuals_notified: Mapping[str, dt.datetime] = field(default_factory=dict)
    # controller | processor | None (not recorded: the engine assumes controller and says so)
    role: str | None = "controller"

    @property
    def personal_exposures(self) -> tuple[ExposureFact, ...]:
        return tuple(e for e in self.exposures if e.personal and e.status != "ruled_out")
