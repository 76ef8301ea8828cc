"""Forms for the triage workspace: one-field inline edits, exposures, notes, list filters.
They parse and bound input; the services decide what is allowed."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from incidents import roles
from incidents.forms.time_fields import LocalDateTimeField
from incidents.models import (
    KEY_TIMES,
    BreachVector,
    DataCategory,
    DataRole,
    Partner,
    Severity,
    Status,
)
from incidents.services.times import TIME_LABELS

NAME_LIST = re.compile(r"^[\w .:/@+-]+$")


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
    if name == "data_role":
        return forms.ChoiceField(
            label="Our role for this data",
            choices=[(v, label) for v, label in DataRole.choices if v],
            help_text="Controller: we decide why and how the data is processed. Processor: "
            "we process it for a controller, whom we must tell (GDPR Art. 33(2)).",
        )
    if name == "controller":
        return forms.ModelChoiceField(
            label="Controller to tell",
            queryset=Partner.objects.filter(retired_at__isnull=True),
            required=False,
            help_text="From the partner directory.",
        )
    if name == "tags":
        return NameListField(label="Tags (comma-separated)", item_max=50, max_items=20)
    if name == "affected_systems":
        return NameListField(label="Affected systems (comma-separated)", item_max=120, max_items=50)
    if name in KEY_TIMES:
        return _datetime_field(TIME_LABELS[name])
    if name == "chat_webhook":
        from incidents.services.probe_secrets import active

        return forms.ChoiceField(
            label="Chat channel",
            choices=[("", "— none —"), *((s.name, s.name) for s in active())],
            required=False,
            help_text="A secret reference an admin registered (Probe secrets) whose value is "
            "the channel's incoming-webhook URL (Slack, Mattermost or Teams); its host must be "
            "among the hosts your administrators allow outbound calls to. Posts say what "
            "needs the team and link here, never the breach's details.",
        )
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


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Add a note (Markdown; @name tells a teammate)",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


SORT_LABELS = {
    "-created": "Newest",
    "created": "Oldest",
    "severity": "Most severe",
    "status": "Status",
    "reference": "Reference",
    "-updated": "Recently changed",
    "deadline": "Next duty deadline",
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
