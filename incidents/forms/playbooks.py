"""The playbook editor: the playbook's name and description, and one form per step."""

from __future__ import annotations

from typing import Any

from django import forms

from incidents.checks.base import all_checks
from incidents.roles import ROLE_LABELS
from incidents.services.playbooks import MAX_HOURS, MAX_STEPS, StepDraft


class PlaybookForm(forms.Form):
    name = forms.CharField(max_length=160, label="Name")
    description = forms.CharField(
        max_length=5000,
        required=False,
        label="When to use it",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _check_choices() -> list[tuple[str, str]]:
    checks = sorted(all_checks().items())
    return [("", "Manual: a person ticks it"), *((kind, check.label) for kind, check in checks)]


class StepForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, label="Step")
    key = forms.CharField(
        max_length=60,
        required=False,
        label="Key",
        help_text="Other steps name it to wait for this one; made from the title if blank.",
    )
    role = forms.ChoiceField(
        choices=[("", "Any responder"), *ROLE_LABELS.items()], required=False, label="Whose step"
    )
    due_after_hours = forms.IntegerField(
        min_value=0,
        max_value=MAX_HOURS,
        required=False,
        label="Due, hours after becoming aware",
    )
    depends_on = forms.CharField(
        max_length=600, required=False, label="After steps (keys, comma-separated)"
    )
    check_kind = forms.ChoiceField(choices=[], required=False, label="Done by")
    instructions = forms.CharField(
        max_length=5000,
        required=False,
        label="Instructions (Markdown)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # What the step carried before this edit, handed through unseen (services/playbooks.py).
    check_params = forms.JSONField(required=False, widget=forms.HiddenInput)
    kept_for_kind = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["check_kind"].choices = _check_choices()  # type: ignore[attr-defined]

    def draft(self) -> StepDraft | None:
        """The step, or None for a row left blank or marked for removal."""
        data = self.cleaned_data
        if not data or data.get("DELETE") or not (data.get("title") or "").strip():
            return None
        return StepDraft(
            title=data["title"],
            key=data["key"].strip(),
            role=data["role"],
            due_after_hours=data["due_after_hours"],
            depends_on=tuple(k.strip() for k in data["depends_on"].split(",") if k.strip()),
            check_kind=data["check_kind"],
            instructions=data["instructions"],
            check_params=data["check_params"] if isinstance(data["check_params"], dict) else None,
            kept_for_kind=data["kept_for_kind"],
        )


StepFormSet = forms.formset_factory(
    StepForm, extra=3, can_delete=True, max_num=MAX_STEPS, validate_max=True
)


def step_initial(playbook: Any) -> list[dict[str, Any]]:
    return [
        {
            "title": item.title,
            "key": item.key,
            "role": item.role,
            "due_after_hours": item.due_after_hours,
            "depends_on": ", ".join(item.depends_on),
            "check_kind": item.check_kind,
            "instructions": item.instructions,
            "check_params": item.check_params,
            "kept_for_kind": item.check_kind,
        }
        for item in playbook.items.order_by("position")
    ]
