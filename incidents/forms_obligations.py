"""Forms for deciding a notification duty: met (a sent notice or a filing) or waived."""

from __future__ import annotations

from django import forms

from incidents.forms_triage import LOCAL_DATETIME


class MeetForm(forms.Form):
    notice = forms.IntegerField(required=False, min_value=1)
    filed_at = forms.DateTimeField(
        label="Filed at",
        required=False,
        input_formats=[LOCAL_DATETIME, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME),
        help_text="In your time zone; stored in UTC.",
    )
    reference = forms.CharField(required=False, max_length=120)
    late_reason = forms.CharField(required=False, max_length=2000)


class WaiveForm(forms.Form):
    reason = forms.CharField(max_length=2000)
    exception = forms.CharField(required=False, max_length=300)
