"""Forms for the triage workspace: one-field inline edits, exposures, notes, list filters.
They parse and bound input; the services decide what is allowed."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from incidents import roles
from incidents.forms_time import LocalDateTimeField
from incidents.jurisdictions import jurisdiction_choices
from incidents.models import (
    KEY_TIMES,
    BreachVector,
    DataCategory,
    ExposureStatus,
    Severity,
    Status,
)
from incidents.services.times import TIME_LABELS

NAME_LIST = re.compile(r"^[\w .:/@+-]+$")
MAX_COUNT = 10**12  # a trillion records: beyond that it's a typo


def assignable_users() -> QuerySet[User]:
    writers = (roles.ADMIN, roles.COMMANDER, roles.RESPONDER, roles.COMMUNICATIONS)
    return (
        User.objects.filter(is_active=True, groups__name__in=writers)
        .distinct()
        .order_by("username")
    )


class NameListField(forms.CharField):
    """Comma-separated names (tags, systems): trimmed, de-duplicated, each bounded."""

    def __init__(self, *, item_max: int, max_items: int, **kwargs: Any) -> None:
        self.item_max, self.max_items = item_max, max_items
        super().__init__(required=False, max_length=item_max * max_items, **kwargs)

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        names = sorted({part.strip() for part in text.split(",") if part.strip()})
        if len(names) > self.max_items:
            raise forms.ValidationError(f"At most {self.max_items} names.")
        for name in names:
            if len(name) > self.item_max:
                raise forms.ValidationError(
                    f"“{name[:30]}…” is longer than {self.item_max} characters."
                )
            if not NAME_LIST.match(name):
                raise forms.ValidationError(
                    f"“{name}” may use letters, digits, spaces and . : / @ + - _ only."
                )
        return names


def _datetime_field(label: str) -> forms.DateTimeField:
    return LocalDateTimeField(label=label, past_event=True)


def field_value_field(name: str) -> forms.Field:
    if name == "title":
        return forms.CharField(label="Title", max_length=200)
    if name == "summary":
        return forms.CharField(
            label="Summary (Markdown)",
            required=False,
            max_length=20_000,
            widget=forms.Textarea(attrs={"rows": 6}),
        )
    if name == "severity":
        return forms.ChoiceField(label="Severity", choices=Severity.choices)
    if name == "commander":
        return forms.ModelChoiceField(
            label="Incident commander",
            queryset=assignable_users(),
            required=False,
            to_field_name="username",
        )
    if name == "assignees":
        return forms.ModelMultipleChoiceField(
            label="Assignees", queryset=assignable_users(), required=False, to_field_name="username"
        )
    if name == "breach_vector":
        return forms.ModelChoiceField(
            label="Breach vector",
            queryset=BreachVector.objects.all(),
            required=False,
            to_field_name="slug",
        )
    if name == "tags":
        return NameListField(label="Tags (comma-separated)", item_max=50, max_items=20)
    if name == "affected_systems":
        return NameListField(label="Affected systems (comma-separated)", item_max=120, max_items=50)
    if name in KEY_TIMES:
        return _datetime_field(TIME_LABELS[name])
    raise KeyError(name)


class FieldEditForm(forms.Form):
    """One field's new value plus `was`, the value the editor was shown."""

    was = forms.CharField(required=False, strip=False, max_length=100_000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, field: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_name = field
        self.fields["value"] = field_value_field(field)

    def value(self) -> Any:
        value = self.cleaned_data["value"]
        if isinstance(value, QuerySet):
            return list(value)
        return value


class ExposureForm(forms.Form):
    category = forms.ModelChoiceField(queryset=DataCategory.objects.all(), to_field_name="slug")
    status = forms.ChoiceField(choices=ExposureStatus.choices)
    records_low = forms.IntegerField(
        label="Records (low)", required=False, min_value=0, max_value=MAX_COUNT
    )
    records_high = forms.IntegerField(
        label="Records (high)", required=False, min_value=0, max_value=MAX_COUNT
    )
    people_low = forms.IntegerField(
        label="People (low)", required=False, min_value=0, max_value=MAX_COUNT
    )
    people_high = forms.IntegerField(
        label="People (high)", required=False, min_value=0, max_value=MAX_COUNT
    )
    jurisdictions = forms.MultipleChoiceField(
        choices=jurisdiction_choices,
        required=False,
        help_text="Where the people affected live: countries, and US states (US-CA).",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    people_by_jurisdiction = forms.CharField(
        required=False,
        max_length=2000,
        label="People per jurisdiction",
        help_text="e.g. US-CA=600, US-TX=250, DE=12000 — what notification rules count.",
    )
    encrypted = forms.BooleanField(required=False, label="Exposed only encrypted (key not exposed)")
    evidence = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to rule a category out.",
    )
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean_people_by_jurisdiction(self) -> dict[str, int]:
        return parse_people_by_jurisdiction(self.cleaned_data["people_by_jurisdiction"])


def parse_people_by_jurisdiction(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for part in [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]:
        code, _, number = part.partition("=")
        if not number.strip().replace(",", "").isdigit():
            raise forms.ValidationError(f"Write “CODE=number”, e.g. US-CA=600 (got “{part[:40]}”).")
        counts[code.strip().upper()] = int(number.strip())
    return counts


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Add a note (Markdown)", max_length=20_000, widget=forms.Textarea(attrs={"rows": 3})
    )


SORTS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "severity": ("severity", "-created_at", "-id"),
    "status": ("status", "-created_at", "-id"),
    "reference": ("reference",),
    "-updated": ("-updated_at", "-id"),
}
SORT_LABELS = {
    "-created": "Newest",
    "created": "Oldest",
    "severity": "Most severe",
    "status": "Status",
    "reference": "Reference",
    "-updated": "Recently changed",
}


class IncidentFilterForm(forms.Form):
    """The list's state, all in the query string (bookmarkable, back button works)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Reference, title or summary  ( / )",
                "autocomplete": "off",
            }
        ),
    )
    status = forms.MultipleChoiceField(
        choices=Status.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    severity = forms.MultipleChoiceField(
        choices=Severity.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    state = forms.ChoiceField(
        choices=[("", "Open and closed"), ("open", "Open"), ("closed", "Closed")], required=False
    )
    commander = forms.ModelChoiceField(
        queryset=assignable_users(), required=False, to_field_name="username"
    )
    assignee = forms.ModelChoiceField(
        queryset=assignable_users(), required=False, to_field_name="username"
    )
    category = forms.ModelChoiceField(
        queryset=DataCategory.objects.all(),
        required=False,
        to_field_name="slug",
        label="Data category",
    )
    tag = forms.CharField(required=False, max_length=50)
    mine = forms.BooleanField(required=False, label="Mine only")
    sort = forms.ChoiceField(choices=list(SORT_LABELS.items()), required=False)
