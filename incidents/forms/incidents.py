"""Input parsing for the incident views; rules about the domain live in services/."""

from __future__ import annotations

from typing import Any

from django import forms

from incidents.forms.time_fields import LocalDateTimeField
from incidents.forms.triage import assignable_users
from incidents.models import BreachVector, Severity, Status
from incidents.models.lifecycle import allowed_moves


class OpenIncidentForm(forms.Form):
    """What the first minutes know. The commander defaults to whoever opens it."""

    title = forms.CharField(max_length=200)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.SEV2)
    breach_vector = forms.ModelChoiceField(
        queryset=BreachVector.objects.all(),
        required=False,
        to_field_name="slug",
        label="How it happened",
        empty_label="Not known yet",
    )
    detected_at = LocalDateTimeField(
        past_event=True,
        label="Detected",
        help_extra="Empty: when it became aware, if given, or now.",
    )
    aware_at = LocalDateTimeField(
        past_event=True,
        label="Became aware",
        help_extra="When the team was reasonably sure personal data was affected: notification "
        "deadlines count from it. Empty if not yet.",
    )
    commander = forms.ModelChoiceField(
        queryset=assignable_users(),
        required=False,
        to_field_name="username",
        label="Incident commander",
        empty_label="Nobody yet",
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=20_000
    )
    restricted = forms.BooleanField(
        required=False, help_text="Only members and admins can see a restricted incident."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        detected, aware = data.get("detected_at"), data.get("aware_at")
        if detected and aware and aware < detected:
            self.add_error("aware_at", "Becoming aware comes after detection: check both times.")
        return data


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label="Move to")
    reason = forms.CharField(
        max_length=2000,
        required=False,
        label="Reason or resolution",
        widget=forms.TextInput(attrs={"placeholder": "Reason (needed to close or step back)"}),
    )
    duplicate_of = forms.CharField(
        max_length=20,
        required=False,
        label="Original incident",
        widget=forms.TextInput(attrs={"placeholder": "INC-… (duplicates only)", "size": 14}),
    )

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to"].choices = choices  # type: ignore[attr-defined]

    def offer_moves_from(self, status: str) -> None:
        """Limit the choices to the lifecycle's moves from `status` (re-shown forms)."""
        self.fields["to"].choices = moves_from(status)  # type: ignore[attr-defined]


def moves_from(status: str) -> list[tuple[str, str]]:
    return [(s, Status(s).label) for s in allowed_moves(status)]
