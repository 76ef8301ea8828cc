"""Loading notification rules from rules/*.yaml, validated against a schema on load.

A mistake stops `manage.py check` and start-up with the file, the line and the reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).parent / "rules"
NOTIFY = ("authority", "individuals", "attorney_general", "partners", "controller")
CLOCK_FROM = ("aware", "individuals_notified", "high_risk_found")
RISK_LEVELS = ("low", "medium", "high", "very_high")
ROLES = ("controller", "processor")
EFFECTS = ("confidentiality", "availability", "integrity")
WHEN_UNASSESSED = ("applies", "undetermined")
# Exceptions the engine decides from recorded facts (GDPR Art. 34(3)(a) and (b)).
DECIDED_EXCEPTIONS = ("unintelligible", "later_measures")
EU_MEMBERS = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
# The GDPR applies in the EEA: EEA Joint Committee Decision No 154/2018 (in force
# 20 July 2018) brought it into Iceland, Liechtenstein and Norway.
EEA_MEMBERS = EU_MEMBERS | {"IS", "LI", "NO"}
GROUPS = {"EU": EU_MEMBERS, "EEA": EEA_MEMBERS}


class RuleError(Exception):
    def __init__(self, path: Path, line: int, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path.name}:{line}: {reason}")


@dataclass(frozen=True)
class Rule:
    id: str
    jurisdiction: str
    applies_to: tuple[str, ...]
    name: str
    notify: str
    source: str
    checked: dt.date
    timezone: str
    min_people: int = 1
    personal_data: bool = True
    encryption_exempt: bool = False
    roles: tuple[str, ...] = ("controller",)
    effects: tuple[str, ...] = EFFECTS
    risk_at_least: str | None = None
    when_unassessed: str = "undetermined"
    decided_exceptions: tuple[str, ...] = ()
    waivable_when: str = ""
    exceptions: tuple[str, ...] = ()
    clock_hours: int | None = None
    clock_days: int | None = None
    clock_from: str = "aware"
    without_undue_delay: bool = False
    late_requires: str = ""
    phased: bool = False
    contents: tuple[str, ...] = field(default_factory=tuple)
    unverified: str = ""

    def covers(self, code: str) -> bool:
        """Whether people in `code` (DE, US-CA) are in this rule's scope."""
        return code in self.applies_to or any(
            code in GROUPS.get(group, ()) for group in self.applies_to
        )

    @property
    def scope_text(self) -> str:
        return "/".join(self.applies_to)


SCHEMA: dict[str, tuple[type | tuple[type, ...], bool]] = {
    # key: (type, required)
    "id": (str, True),
    "jurisdiction": (str, True),
    "applies_to": (list, True),
    "name": (str, True),
    "notify": (str, True),
    "source": (str, True),
    "checked": (dt.date, True),
    "timezone": (str, True),
    "trigger": (dict, True),
    "clock": (dict, True),
    "contents": (list, False),
    "late_requires": (str, False),
    "phased": (bool, False),
    "unverified": (str, False),
}
TRIGGER = {
    "personal_data": bool,
    "min_people": int,
    "encryption_exempt": bool,
    "risk_at_least": str,
    "when_unassessed": str,
    "decided_exceptions": list,
    "roles": list,
    "effects": list,
    "waivable_when": str,
    "exceptions": list,
}
CLOCK = {"hours": int, "days": int, "from": str, "without_undue_delay": bool}


def _line_of(node: yaml.Node, key: str) -> int:
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if key_node.value == key:
                return int(key_node.start_mark.line) + 1
    return int(node.start_mark.line) + 1


def _check_keys(path: Path, node: yaml.Node, data: dict, schema: dict, where: str) -> None:
    for key, value in data.items():
        if key not in schema:
            raise RuleError(
                path,
                _line_of(node, key),
                f"unknown key {key!r} in {where}; allowed: {', '.join(schema)}",
            )
        expected = schema[key][0] if isinstance(schema[key], tuple) else schema[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise RuleError(
                path,
                _line_of(node, key),
                f"{where}.{key} should be {getattr(expected, '__name__', expected)}",
            )


def _rule(path: Path, node: yaml.Node, data: Any) -> Rule:
    if not isinstance(data, dict):
        raise RuleError(path, int(node.start_mark.line) + 1, "each rule is a mapping of keys")
    _check_keys(path, node, data, SCHEMA, "rule")
    for key, (_, required) in SCHEMA.items():
        if required and key not in data:
            raise RuleError(path, int(node.start_mark.line) + 1, f"missing required key {key!r}")
    trigger_node = next(v for k, v in node.value if k.value == "trigger")
    clock_node = next(v for k, v in node.value if k.value == "clock")
    _check_keys(path, trigger_node, data["trigger"], TRIGGER, "trigger")
    _check_keys(path, clock_node, data["clock"], CLOCK, "clock")
    if data["notify"] not in NOTIFY:
        raise RuleError(
            path, _line_of(node, "notify"), f"notify must be one of {', '.join(NOTIFY)}"
        )
    clock = data["clock"]
    if "hours" in clock and "days" in clock:
        raise RuleError(path, _line_of(node, "clock"), "the clock takes hours or days, not both")
    if "hours" not in clock and "days" not in clock and not clock.get("without_undue_delay"):
        raise RuleError(
            path,
            _line_of(node, "clock"),
            "the clock needs hours or days, or without_undue_delay: true for no fixed date",
        )
    if clock.get("from", "aware") not in CLOCK_FROM:
        raise RuleError(
            path, _line_of(clock_node, "from"), f"clock.from must be one of {', '.join(CLOCK_FROM)}"
        )
    trigger = data["trigger"]
    if trigger.get("risk_at_least") not in (None, *RISK_LEVELS):
        raise RuleError(
            path,
            _line_of(trigger_node, "risk_at_least"),
            f"risk_at_least must be one of {', '.join(RISK_LEVELS)}",
        )
    _check_choices(path, trigger_node, trigger)
    _check_timezone(path, node, data["timezone"])
    _check_codes(path, node, data)
    return Rule(
        id=data["id"],
        jurisdiction=data["jurisdiction"],
        applies_to=tuple(data["applies_to"]),
        name=data["name"],
        notify=data["notify"],
        source=data["source"],
        checked=data["checked"],
        timezone=data["timezone"],
        min_people=trigger.get("min_people", 1),
        personal_data=trigger.get("personal_data", True),
        encryption_exempt=trigger.get("encryption_exempt", False),
        roles=tuple(trigger.get("roles", ["controller"])),
        effects=tuple(trigger.get("effects", EFFECTS)),
        risk_at_least=trigger.get("risk_at_least"),
        when_unassessed=trigger.get("when_unassessed", "undetermined"),
        decided_exceptions=tuple(trigger.get("decided_exceptions", [])),
        waivable_when=trigger.get("waivable_when", ""),
        exceptions=tuple(trigger.get("exceptions", [])),
        clock_hours=clock.get("hours"),
        clock_days=clock.get("days"),
        clock_from=clock.get("from", "aware"),
        without_undue_delay=clock.get("without_undue_delay", False),
        late_requires=data.get("late_requires", ""),
        phased=data.get("phased", False),
        contents=tuple(data.get("contents", [])),
        unverified=data.get("unverified", ""),
    )


def _check_choices(path: Path, node: yaml.Node, trigger: dict[str, Any]) -> None:
    """List and word values of the trigger are from their fixed sets."""
    allowed: dict[str, tuple[str, ...]] = {
        "roles": ROLES,
        "effects": EFFECTS,
        "decided_exceptions": DECIDED_EXCEPTIONS,
    }
    for key, choices in allowed.items():
        values = trigger.get(key, [])
        if not values and key in trigger:
            raise RuleError(path, _line_of(node, key), f"trigger.{key} must not be empty")
        if bad := [str(v) for v in values if v not in choices]:
            raise RuleError(
                path,
                _line_of(node, key),
                f"trigger.{key} has {', '.join(bad)}; allowed: {', '.join(choices)}",
            )
    if trigger.get("when_unassessed", "undetermined") not in WHEN_UNASSESSED:
        raise RuleError(
            path,
            _line_of(node, "when_unassessed"),
            f"trigger.when_unassessed must be one of {', '.join(WHEN_UNASSESSED)}",
        )


def _check_codes(path: Path, node: yaml.Node, data: dict[str, Any]) -> None:
    """Jurisdiction codes as exposures record them (ISO 3166, US-CA), or EU for its members."""
    from incidents.jurisdictions import unknown_codes

    for key, codes in (
        ("jurisdiction", [data["jurisdiction"]]),
        ("applies_to", data["applies_to"]),
    ):
        if unknown := unknown_codes([str(c) for c in codes if c not in GROUPS]):
            raise RuleError(
                path,
                _line_of(node, key),
                f"unknown jurisdiction code(s) in {key}: {', '.join(unknown)} "
                "(use ISO 3166 codes such as DE or US-CA, or EU / EEA)",
            )


def _check_timezone(path: Path, node: yaml.Node, name: str) -> None:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise RuleError(path, _line_of(node, "timezone"), f"unknown time zone {name!r}") from None


def load_file(path: Path) -> list[Rule]:
    text = path.read_text()
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise RuleError(
            path,
            (mark.line + 1) if mark else 1,
            f"not valid YAML: {getattr(error, 'problem', error)}",
        ) from None
    return [
        _rule(path, node, data)
        for node, data in zip(nodes, documents, strict=True)
        if node is not None
    ]


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for path in sorted(RULES_DIR.glob("*.yaml")):
        for rule in load_file(path):
            if rule.id in seen:
                raise RuleError(
                    path, 1, f"rule id {rule.id!r} is also defined in {seen[rule.id].name}"
                )
            seen[rule.id] = path
            rules.append(rule)
    return tuple(rules)


def rule_by_id(rule_id: str) -> Rule | None:
    return next((rule for rule in all_rules() if rule.id == rule_id), None)
