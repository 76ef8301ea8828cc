"""The exposure form: one data category's status, counts, where its people live (each
jurisdiction with its own number, or blank when the split is not known), what happened to
the data and how it was protected. It parses and bounds input; the service decides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict

from incidents.jurisdictions import code_for
from incidents.models import DataCategory, ExposureStatus, Protection

MAX_COUNT = 10**12  # a trillion records: beyond that it's a typo
MAX_PLACES = 300
BLANK_ROWS = 3


@dataclass(frozen=True)
class PlaceRow:
    """One row of the jurisdiction list, as typed (kept as text to show back on error)."""

    code: str = ""
    people: str = ""


class PlacesInput(forms.Widget):
    """Reads the parallel `place` / `place_people` inputs the editor renders row by row."""

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        if not isinstance(data, MultiValueDict):
            return []
        codes, people = data.getlist("place"), data.getlist("place_people")
        people += [""] * (len(codes) - len(people))
        return [PlaceRow(c.strip(), n.strip()) for c, n in zip(codes, people, strict=False)]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return "place" not in data


class PlacesField(forms.Field):
    """{"DE": 160000, "FR": None}: None is "this many is not known" (split unknown)."""

    widget = PlacesInput

    def to_python(self, value: Any) -> dict[str, int | None]:
        rows = [row for row in (value or []) if row.code or row.people]
        if len(rows) > MAX_PLACES:
            raise forms.ValidationError(f"At most {MAX_PLACES} jurisdictions.")
        places: dict[str, int | None] = {}
        for row in rows:
            if not row.code:
                raise forms.ValidationError(
                    f"{row.people[:20]} people: say in which jurisdiction, or clear the number."
                )
            code = code_for(row.code)
            if code is None:
                raise forms.ValidationError(
                    f"Unknown jurisdiction “{row.code[:40]}”: use a code such as DE, GB or US-CA."
                )
            if code in places:
                raise forms.ValidationError(f"{code} is listed twice.")
            places[code] = _count(code, row.people)
        return places


def _count(code: str, text: str) -> int | None:
    if not text:
        return None
    digits = text.replace(",", "").replace(" ", "").replace("_", "")
    if not digits.isdigit():
        raise forms.ValidationError(f"People in {code}: a whole number, or blank if not known.")
    number = int(digits)
    if number > MAX_COUNT:
        raise forms.ValidationError(f"People in {code}: {number:,} is beyond any real count.")
    return number


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=MAX_COUNT)


class ExposureForm(forms.Form):
    category = forms.ModelChoiceField(queryset=DataCategory.objects.all(), to_field_name="slug")
    status = forms.ChoiceField(choices=ExposureStatus.choices)
    records_low = _count_field("Records (low)")
    records_high = _count_field("Records (high)")
    people_low = _count_field("People (low)")
    people_high = _count_field("People (high)")
    places = PlacesField(required=False, label="Where the people live")
    disclosed = forms.BooleanField(
        required=False, initial=True, label="Read or taken by someone not authorised"
    )
    unavailable = forms.BooleanField(
        required=False, label="Made unavailable (lost, destroyed, encrypted by ransomware)"
    )
    altered = forms.BooleanField(required=False, label="Altered")
    protection = forms.ChoiceField(
        choices=Protection.choices,
        initial=Protection.UNKNOWN,
        required=False,
        label="How it was protected",
    )
    already_public = forms.BooleanField(required=False, label="Already public before the breach")
    evidence = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why you decided as you did. Ruling a category out also needs a file below, "
        "or a second person's confirmation.",
    )
    # The incident's files (set by the view): linking one backs ruling the category out.
    backing_files = forms.TypedMultipleChoiceField(
        coerce=int, required=False, choices=[], label="Backed by files"
    )
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean_protection(self) -> str:
        return self.cleaned_data["protection"] or Protection.UNKNOWN

    def chosen_backing(self) -> set[int]:
        """The files ticked (kept ticked when the form comes back with an error)."""
        if not self.is_bound:
            return set()
        chosen = self.data.getlist("backing_files") if hasattr(self.data, "getlist") else []
        return {int(v) for v in chosen if str(v).isdigit()}

    def place_rows(self) -> list[PlaceRow]:
        """The rows to show: what was typed (on error) or recorded, then blank ones."""
        if self.is_bound:
            rows = self.fields["places"].widget.value_from_datadict(self.data, {}, "places")
            rows = [row for row in rows if row.code or row.people]
        else:
            initial = self.initial.get("places") or {}
            rows = [PlaceRow(code, "" if n is None else str(n)) for code, n in initial.items()]
        return rows + [PlaceRow()] * BLANK_ROWS
