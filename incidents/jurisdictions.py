"""Jurisdiction codes: ISO 3166-1 alpha-2 countries and ISO 3166-2 US states (US-CA)."""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry


@lru_cache(maxsize=1)
def jurisdiction_names() -> dict[str, str]:
    names = {country.alpha_2: country.name for country in pycountry.countries}
    for state in pycountry.subdivisions.get(country_code="US") or []:
        if state.type in ("State", "District"):
            names[state.code] = f"{state.name} (US)"
    return dict(sorted(names.items(), key=lambda item: item[1]))


def jurisdiction_choices() -> list[tuple[str, str]]:
    return [(code, f"{name} ({code})") for code, name in jurisdiction_names().items()]


def unknown_codes(codes: list[str]) -> list[str]:
    known = jurisdiction_names()
    return [code for code in codes if code not in known]


def label(code: str) -> str:
    return jurisdiction_names().get(code, code)


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    by_name = {name.lower(): code for code, name in jurisdiction_names().items()}
    by_name.update({code.lower(): code for code in jurisdiction_names()})
    return by_name


# What the picker offers and puts in the field: "California (US) (US-CA)", so typing any
# part of the name or the code finds it (a datalist matches on the option's value).
_PICKED = re.compile(r"\(([A-Za-z]{2}(?:-[A-Za-z0-9]{1,3})?)\)\s*$")


def picker_options() -> list[tuple[str, str]]:
    """(value, label) for the jurisdiction picker."""
    return [(f"{name} ({code})", name) for code, name in jurisdiction_names().items()]


def code_for(text: str) -> str | None:
    """The code for 'de', 'DE', 'Germany', 'California (US)' or what the picker puts in,
    'California (US) (US-CA)'; None when unknown."""
    wanted = text.strip().lower()
    found = _codes_by_name().get(wanted)
    if found is not None:
        return found
    picked = _PICKED.search(wanted)
    if picked is None:
        return None
    code = _codes_by_name().get(picked.group(1))
    # The name before the code must be that code's (or absent): "Germany (US-CA)" is a
    # contradiction, refused rather than guessed.
    name = wanted[: picked.start()].strip()
    if code is None or (name and _codes_by_name().get(name) != code):
        return None
    return code
