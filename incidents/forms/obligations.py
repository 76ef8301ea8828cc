"""Forms for deciding a notification duty: met (a sent notice or a filing) or waived."""

from __future__ import annotations

from django import forms

from incidents.forms.time_fields import LocalDateTimeField
from incidents.forms.triage import assignable_users


class MeetForm(forms.Form):
    notice = forms.IntegerField(required=False, min_value=1)
    filed_at = LocalDateTimeField(label="Filed at", past_event=True)
    reference = forms.CharField(required=False, max_length=120)
    late_reason = forms.CharField(required=False, max_length=2000)


class WaiveForm(forms.Form):
    reason = forms.CharField(max_length=2000)
    exception = forms.CharField(required=False, max_length=300)


class DutyOwnerForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=assignable_users(), required=False, to_field_name="username", label="Owner"
    )
