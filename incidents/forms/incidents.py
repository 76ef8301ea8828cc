"""Input parsing for the incident views; rules about the domain live in services/."""

from __future__ import annotations

from django import forms

from incidents.models import Severity, Status
from incidents.models.lifecycle import allowed_moves


class OpenIncidentForm(forms.Form):
    title = forms.CharField(max_length=200)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.SEV2)
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=20_000
    )
    restricted = forms.BooleanField(
        required=False, help_text="Only members and admins can see a restricted incident."
    )


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
