"""The jurisdiction picker: typing part of a name finds it; what it puts in reads back."""

import pytest

from incidents.jurisdictions import code_for, picker_options


def test_typing_part_of_a_name_finds_the_jurisdiction_in_the_pickers_options():
    found = [value for value, _ in picker_options() if "cal" in value.lower()]
    assert "California (US) (US-CA)" in found
    assert any(value.endswith("(DE)") and "Germany" in value for value, _ in picker_options())


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("California (US) (US-CA)", "US-CA"),
        ("california (us)", "US-CA"),
        ("US-CA", "US-CA"),
        ("us-ca", "US-CA"),
        ("Germany", "DE"),
        ("Germany (DE)", "DE"),
        ("  de ", "DE"),
        ("(FR)", "FR"),
    ],
)
def test_what_the_picker_puts_in_and_what_people_type_both_read(typed, code):
    assert code_for(typed) == code


@pytest.mark.parametrize(
    "typed", ["Germany (US-CA)", "Atlantis", "(ZZ)", "California (US) (XX)", ""]
)
def test_unknown_or_contradictory_input_is_not_guessed(typed):
    assert code_for(typed) is None
