"""The ENISA personal data breach severity method (Recommendations for a methodology of the
assessment of severity of personal data breaches, v1.0, December 2013): SE = DPC × EI + CB,
and a suggestion for each factor drawn from the record, with its reasons in plain words.

Pure (no database). Where Breachroom goes beyond the ENISA text (scoring unintelligible data
as no loss of confidentiality, a 24-hour line for "recoverable without difficulty", the
default ease of identification) the reason says so; docs/regulation.md lists the sources."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from incidents.regulation.facts_model import UNINTELLIGIBLE

# ENISA Table 1 scores the context in whole steps from 1 to 4 (after any adjustment).
DPC_VALUES = (Decimal("1"), Decimal("2"), Decimal("3"), Decimal("4"))
EI_VALUES = (Decimal("0.25"), Decimal("0.5"), Decimal("0.75"), Decimal("1"))
CB_VALUES = (Decimal("0"), Decimal("0.25"), Decimal("0.5"))
MALICIOUS = Decimal("0.5")
# §3.2: SE < 2 low, < 3 medium, < 4 high, from 4 very high.
BANDS = ((Decimal("2"), "low"), (Decimal("3"), "medium"), (Decimal("4"), "high"))
# Annex 1, Table 1: the basic score of each data type.
BASIC_DPC = {"simple": 1, "behavioural": 2, "financial": 3, "sensitive": 4}
RESTORED_WITHOUT_DIFFICULTY = 24  # hours: Breachroom's line, see the reason text
LONG_RUNNING = dt.timedelta(days=30)


@dataclass(frozen=True)
class CategoryFact:
    """One exposed personal-data category, as the assessment reads it."""

    name: str
    data_type: str = ""  # simple | behavioural | financial | sensitive | "" (not classified)
    sensitivity: int = 2
    special: bool = False
    children: bool = False
    already_public: bool = False
    protection: str = "unknown"
    effects: frozenset[str] = frozenset({"confidentiality"})
    people_high: int | None = None


@dataclass(frozen=True)
class Circumstances:
    recipients: str = ""  # models.risk.Recipients, "" not recorded
    backup: str = ""  # models.risk.Backup
    unavailable_hours: int | None = None
    measures: str = ""  # models.risk.Measures
    ran_for: dt.timedelta | None = None
    # Not contained yet: `ran_for` grows with the clock, so words say "so far", not a count
    # of days that would be wrong tomorrow.
    ongoing: bool = False
    # The breach vector is an attack (malware, phishing, stolen credentials, an insider).
    attack: bool = False


@dataclass(frozen=True)
class Suggestion:
    dpc: Decimal
    ei: Decimal
    confidentiality: Decimal
    integrity: Decimal
    availability: Decimal
    malicious: bool
    reasons: dict[str, list[str]] = field(default_factory=dict)

    @property
    def score(self) -> Decimal:
        return score(
            self.dpc,
            self.ei,
            self.confidentiality,
            self.integrity,
            self.availability,
            self.malicious,
        )

    @property
    def level(self) -> str:
        return band(self.score)


def score(
    dpc: Decimal, ei: Decimal, c: Decimal, i: Decimal, a: Decimal, malicious: bool
) -> Decimal:
    return dpc * ei + c + i + a + (MALICIOUS if malicious else Decimal("0"))


def band(value: Decimal) -> str:
    return next((name for bound, name in BANDS if value < bound), "very_high")


def number(value: Decimal) -> str:
    """3.00 -> '3', 0.50 -> '0.5': what the formula prints (never truncated)."""
    text = format(value.normalize(), "f")
    return text


def formula(dpc: Decimal, ei: Decimal, c: Decimal, i: Decimal, a: Decimal, malicious: bool) -> str:
    """'SE = 3 × 0.75 + 0.5 + 0 + 0 + 0.5 = 3.25': every term, so it adds up on paper."""
    terms = [f"{number(dpc)} × {number(ei)}", number(c), number(i), number(a)]
    terms.append(number(MALICIOUS) if malicious else "0")
    return f"SE = {' + '.join(terms)} = {number(score(dpc, ei, c, i, a, malicious))}"


def suggest(categories: list[CategoryFact], circumstances: Circumstances) -> Suggestion:
    dpc, dpc_reasons = _dpc(categories, circumstances)
    ei, ei_reasons = _ei(categories)
    c, c_reasons = _confidentiality(categories, circumstances)
    i, i_reasons = _integrity(categories, circumstances)
    a, a_reasons = _availability(categories, circumstances)
    malicious = circumstances.recipients == "malicious" or circumstances.attack
    cb_reasons = c_reasons + i_reasons + a_reasons
    if malicious:
        cause = "an attack" if circumstances.attack else "taken by an attacker or thief"
        cb_reasons.append(f"Malicious intent +0.5: {cause} (ENISA §3.1.3, Annex 3 A4).")
    return Suggestion(
        dpc,
        ei,
        c,
        i,
        a,
        malicious,
        {
            "dpc": dpc_reasons,
            "ei": ei_reasons,
            "cb": cb_reasons,
            "flags": _flags(categories, circumstances),
        },
    )


def _dpc(categories: list[CategoryFact], circumstances: Circumstances) -> tuple[Decimal, list[str]]:
    if not categories:
        return Decimal("1"), ["No personal data recorded as exposed: the lowest context, 1."]
    best, reasons = 1, []
    for category in categories:
        value, why = _category_dpc(category, circumstances)
        reasons.append(f"{category.name}: {why}")
        best = max(best, value)
    if len(categories) > 1:
        reasons.append(f"The highest score counts (ENISA §3.1.1): {best}.")
    return Decimal(best), reasons


def _category_dpc(category: CategoryFact, circumstances: Circumstances) -> tuple[int, str]:
    if category.special:
        return 4, "special-category data (GDPR Art. 9): sensitive data, basic score 4."
    if category.data_type:
        value = BASIC_DPC[category.data_type]
        words = [f"{category.data_type} data, basic score {value} (ENISA Table 1)"]
    else:
        value = max(1, min(4, category.sensitivity))
        words = [f"no ENISA data type recorded; its sensitivity tier {value} used"]
    long_run = circumstances.ran_for is not None and circumstances.ran_for >= LONG_RUNNING
    if category.data_type == "behavioural" and long_run and value < 4:
        value += 1
        span = (
            f"{LONG_RUNNING.days} days or more so far"
            if circumstances.ongoing
            else f"{circumstances.ran_for.days} days"  # type: ignore[union-attr]
        )
        words.append(f"+1: behaviour over {span} can profile everyday life")
    if category.children and value < 4:
        value += 1
        words.append("+1: data about children, a group with particular needs (ENISA Annex 1 A2)")
    if category.already_public and value > 1:
        value -= 1
        words.append("-1: already public before the breach (ENISA Annex 1 A2)")
    return value, "; ".join(words) + "."


def _ei(categories: list[CategoryFact]) -> tuple[Decimal, list[str]]:
    readable = [c for c in categories if c.protection not in UNINTELLIGIBLE]
    if categories and not readable:
        return Decimal("0.25"), [
            "Negligible: everything exposed is unintelligible without a key that was not "
            "compromised, so nobody can be identified from it (Breachroom's reading of ENISA "
            "§3.3 and EDPB 01/2021 para. 20, 'reduced to a minimum')."
        ]
    if categories and all(c.protection == "pseudonymised" for c in categories):
        return Decimal("0.5"), [
            "Pseudonymised: identifying people needs the reference data (ENISA Annex 2, "
            "coding and aliases). Choose 0.25 if it cannot be linked, higher if it can."
        ]
    if any(c.data_type == "simple" for c in categories):
        return Decimal("1"), [
            "Identifying data (names, contact details, identifiers) is in the breach: "
            "identification needs no research, maximum (ENISA §3.1.2, Annex 2)."
        ]
    return Decimal("0.75"), [
        "Nothing recorded says how hard identification is: significant assumed (Breachroom's "
        "default). Lower it with reasons when people cannot be singled out; raise it when "
        "names or emails come with the data."
    ]


def _disclosed(categories: list[CategoryFact]) -> list[CategoryFact]:
    return [c for c in categories if "confidentiality" in c.effects]


def _confidentiality(
    categories: list[CategoryFact], circumstances: Circumstances
) -> tuple[Decimal, list[str]]:
    disclosed = _disclosed(categories)
    if not disclosed or circumstances.recipients == "not_disclosed":
        return Decimal("0"), ["Confidentiality 0: the data was not disclosed."]
    if all(c.protection in UNINTELLIGIBLE for c in disclosed):
        return Decimal("0"), [
            "Confidentiality 0: everything disclosed was unintelligible (encrypted or keyed "
            "hash, key safe). EDPB 01/2021 para. 20: the risk is 'reduced to a minimum'; "
            "ENISA §3.3 flags it, and §5 lets it move into the score, as Breachroom does."
        ]
    recipients = circumstances.recipients
    if recipients == "none_known":
        return Decimal("0"), [
            "Confidentiality 0: exposed, with no evidence anyone read it (ENISA Annex 3 A1)."
        ]
    if recipients in ("known_trusted", "known_untrusted"):
        trusted = (
            " bound to confidentiality, who confirmed deletion"
            if recipients == "known_trusted"
            else ""
        )
        return Decimal("0.25"), [
            f"Confidentiality +0.25: known recipients{trusted} (ENISA Annex 3 A1)."
        ]
    if recipients in ("unknown", "malicious"):
        return Decimal("0.5"), [
            "Confidentiality +0.5: an unknown number of recipients (ENISA Annex 3 A1)."
        ]
    return Decimal("0.5"), [
        "Confidentiality +0.5: who could read it is not recorded, so an unknown number of "
        "recipients is assumed. Record the recipients to refine it."
    ]


def _integrity(
    categories: list[CategoryFact], circumstances: Circumstances
) -> tuple[Decimal, list[str]]:
    if not any("integrity" in c.effects for c in categories):
        return Decimal("0"), []
    if circumstances.backup == "restored":
        return Decimal("0.25"), [
            "Integrity +0.25: altered, recoverable from a backup (ENISA Annex 3 A2)."
        ]
    missing = "" if circumstances.backup == "none" else " (no backup recorded)"
    return Decimal("0.5"), [
        f"Integrity +0.5: altered with no way to recover the original{missing} (ENISA Annex 3 A2)."
    ]


def _availability(
    categories: list[CategoryFact], circumstances: Circumstances
) -> tuple[Decimal, list[str]]:
    if not any("availability" in c.effects for c in categories):
        return Decimal("0"), []
    hours = circumstances.unavailable_hours
    if circumstances.backup == "none":
        return Decimal("0.5"), [
            "Availability +0.5: lost with no working backup (ENISA Annex 3 A3; EDPB 01/2021 "
            "para. 23: without a backup 'the severity may increase')."
        ]
    if circumstances.backup == "restored" and hours is not None:
        if hours <= RESTORED_WITHOUT_DIFFICULTY:
            return Decimal("0"), [
                f"Availability 0: restored from a backup in {hours} h (ENISA Annex 3 A3; EDPB "
                "01/2021 paras. 22, 24; Breachroom draws the line at 24 h)."
            ]
        return Decimal("0.25"), [
            f"Availability +0.25: unavailable for {hours} h before the backup restored it: "
            "temporary unavailability (ENISA Annex 3 A3)."
        ]
    if circumstances.backup == "restored":
        return Decimal("0.25"), [
            "Availability +0.25: restored from a backup, how long it took is not recorded "
            "(ENISA Annex 3 A3)."
        ]
    return Decimal("0.5"), [
        "Availability +0.5: unavailable and no backup recorded, so assumed lost (ENISA Annex 3 "
        "A3). Record the backup to refine it."
    ]


def _flags(categories: list[CategoryFact], circumstances: Circumstances) -> list[str]:
    flags = []
    highs = [c.people_high for c in categories if c.people_high is not None]
    if sum(highs) > 100:
        flags.append(f"More than 100 people ({sum(highs):,} at most): ENISA §3.3 flag.")
    if categories and all(c.protection in UNINTELLIGIBLE for c in categories):
        flags.append("Data unintelligible (key not compromised): ENISA §3.3 flag.")
    if any(c.children for c in categories):
        flags.append("Children's data: EDPB 9/2022 lists the people's characteristics.")
    if circumstances.ongoing:
        flags.append("The breach is not contained yet: how long it ran is still growing.")
    elif circumstances.ran_for is not None:
        flags.append(f"The breach ran for {_span(circumstances.ran_for)} before it was contained.")
    if circumstances.measures == "reduce":
        flags.append(
            "Measures taken since reduce the likelihood of harm: a lower level may be "
            "justified; say why in the level's rationale."
        )
    return flags


def _span(duration: dt.timedelta) -> str:
    if duration.days:
        return f"{duration.days} d"
    return f"{duration.seconds // 3600} h"
