"""Jurisdiction codes: ISO 3166-1 alpha-2 countries and ISO 3166-2 US states (US-CA)."""

from __future__ import annotations

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


def code_for(text: str) -> str | None:
    """The code for 'de', 'DE', 'Germany' or 'California (US)'; None when unknown."""
    return _codes_by_name().get(text.strip().lower())
