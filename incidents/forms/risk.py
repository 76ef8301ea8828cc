"""The risk assessment form: the circumstances, each ENISA factor (blank takes Breachroom's
suggestion), the rationales, and the assessor's level when it differs from the score's."""

from __future__ import annotations

from django import forms

from incidents.models.risk import Backup, Measures, Recipients
from incidents.regulation.rules import RISK_LEVELS
from incidents.regulation.severity import Circumstances

SUGGESTED = [("", "As suggested")]
LEVEL_CHOICES = [("", "As the score says"), *((v, v.replace("_", " ")) for v in RISK_LEVELS)]


def _factor(label: str, choices: list[tuple[str, str]]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=SUGGESTED + choices, required=False, empty_value=None
    )


class RiskForm(forms.Form):
    recipients = forms.ChoiceField(
        label="Who received or could read the data",
        choices=[("", "Not recorded"), *Recipients.choices],
        required=False,
    )
    backup = forms.ChoiceField(label="Backup", choices=Backup.choices, required=False)
    unavailable_hours = forms.IntegerField(
        label="Hours the data was unavailable", required=False, min_value=0, max_value=87_600
    )
    measures = forms.ChoiceField(
        label="Measures taken since", choices=Measures.choices, required=False
    )
    measures_text = forms.CharField(
        label="Which measures",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    dpc = _factor(
        "Data processing context (1 simple – 4 sensitive)",
        [("1", "1 simple"), ("2", "2 behavioural"), ("3", "3 financial"), ("4", "4 sensitive")],
    )
    ei = _factor(
        "Ease of identification",
        [
            ("0.25", "0.25 negligible"),
            ("0.5", "0.5 limited"),
            ("0.75", "0.75 significant"),
            ("1", "1 maximum"),
        ],
    )
    confidentiality = _factor(
        "Loss of confidentiality",
        [("0", "0 not read"), ("0.25", "0.25 known recipients"), ("0.5", "0.5 unknown recipients")],
    )
    integrity = _factor(
        "Loss of integrity",
        [("0", "0 none"), ("0.25", "0.25 altered, recoverable"), ("0.5", "0.5 altered, lost")],
    )
    availability = _factor(
        "Loss of availability",
        [("0", "0 none"), ("0.25", "0.25 temporary"), ("0.5", "0.5 permanent")],
    )
    malicious = forms.TypedChoiceField(
        label="Malicious intent (+0.5)",
        choices=[("", "As suggested"), ("yes", "Yes"), ("no", "No")],
        required=False,
        empty_value=None,
    )
    dpc_rationale = forms.CharField(required=False, max_length=2000)
    ei_rationale = forms.CharField(required=False, max_length=2000)
    cb_rationale = forms.CharField(required=False, max_length=2000)
    level = forms.ChoiceField(label="Your conclusion", choices=LEVEL_CHOICES, required=False)
    level_rationale = forms.CharField(required=False, max_length=2000)

    def circumstances(self) -> Circumstances:
        data = self.cleaned_data
        return Circumstances(
            recipients=data["recipients"],
            backup=data["backup"],
            unavailable_hours=data["unavailable_hours"],
            measures=data["measures"],
        )
