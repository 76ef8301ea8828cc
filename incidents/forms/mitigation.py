"""Forms for credentials, rotation campaigns and checklists: parsing only."""

from __future__ import annotations

from django import forms

from incidents.forms.time_fields import LocalDateTimeField
from incidents.forms.triage import assignable_users
from incidents.models import CredentialKind, ItemState, RotationState
from incidents.roles import ROLE_LABELS
from incidents.services import free_text
from incidents.services.probe_secrets import NAME as SECRET_REFERENCE

RERUN_CHOICES = [
    ("", "Do not re-run"),
    ("5", "Every 5 minutes"),
    ("15", "Every 15 minutes"),
    ("60", "Every hour"),
]


class CredentialForm(forms.Form):
    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=CredentialKind.choices)
    system = forms.CharField(max_length=120)
    environment = forms.CharField(max_length=40, initial="production")
    owner = forms.CharField(max_length=120, required=False)
    identifier = forms.CharField(
        max_length=100, help_text="Fingerprint or last 4 characters — never the secret."
    )
    tags = forms.CharField(max_length=500, required=False, help_text="Comma-separated.")


class CredentialImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: name, kind, system, owner, environment, identifier, tags.",
    )


class CampaignForm(forms.Form):
    SCOPES = [
        ("api_keys_in_scope", "All API keys on the incident's affected systems"),
        ("selection", "Credentials matching the filters below"),
    ]
    scope = forms.ChoiceField(choices=SCOPES, widget=forms.RadioSelect, initial="api_keys_in_scope")
    system = forms.CharField(max_length=120, required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *CredentialKind.choices], required=False)
    tag = forms.CharField(max_length=50, required=False)
    due_at = LocalDateTimeField(label="Due", past_event=False)


class RotationMoveForm(forms.Form):
    to = forms.ChoiceField(choices=RotationState.choices, label="Move selected to")
    new_identifier = forms.CharField(max_length=100, required=False, label="New identifier")
    reason = forms.CharField(max_length=2000, required=False, label="Reason (for exemptions)")
    tasks = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=False)
    # A file of the incident that proves the old keys dead, linked to each task moved.
    proof = forms.TypedChoiceField(coerce=int, choices=[], required=False, empty_value=None)

    def __init__(
        self, *args: object, task_ids: list[int], file_ids: list[int], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["tasks"].choices = [(pk, pk) for pk in task_ids]  # type: ignore[attr-defined]
        self.fields["proof"].choices = [("", "—"), *((pk, pk) for pk in file_ids)]  # type: ignore[attr-defined]


class ProbeForm(forms.Form):
    url = forms.URLField(max_length=500, label="Probe URL", assume_scheme="https")
    header = forms.CharField(max_length=100, initial="Authorization")
    secret_env = forms.RegexField(
        regex=SECRET_REFERENCE,  # the registry's own rule (services/probe_secrets.py)
        max_length=100,
        required=False,
        label="Old credential (a secret reference an admin registered)",
    )


class ItemStateForm(forms.Form):
    state = forms.ChoiceField(choices=ItemState.choices)
    reason = forms.CharField(max_length=2000, required=False)


class ItemAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=assignable_users(), required=False, to_field_name="username"
    )


class ItemCheckForm(forms.Form):
    url = forms.CharField(max_length=500, label="URL to check")
    requests = forms.IntegerField(min_value=1, max_value=500, required=False)
    seconds = forms.IntegerField(min_value=1, max_value=60, required=False)
    rerun = forms.ChoiceField(choices=RERUN_CHOICES, required=False, label="Re-run until it passes")


class AddStepForm(forms.Form):
    title = forms.CharField(max_length=200, label="Step")
    role = forms.ChoiceField(
        choices=[("", "Any responder"), *ROLE_LABELS.items()], required=False, label="Whose step"
    )
    due_at = LocalDateTimeField(past_event=False, label="Due")
    instructions = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StepNoteForm(forms.Form):
    body = forms.CharField(max_length=5000, label="Note")
    secrets = forms.ChoiceField(choices=[(c, c) for c in free_text.CHOICES], required=False)


class ApplyPlaybookForm(forms.Form):
    playbook = forms.IntegerField(widget=forms.HiddenInput)
