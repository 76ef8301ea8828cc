"""The one way a form takes a time: typed in the viewer's zone (named beside the input),
stored in UTC, and refused when it cannot be right."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy

LOCAL_DATETIME = "%Y-%m-%dT%H:%M"
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# A past event may be typed up to a day ahead: clocks and zones disagree, nothing more.
FUTURE_SLACK = dt.timedelta(days=1)


def _zone_help(extra: str) -> str:
    name = timezone.get_current_timezone_name()
    return f"In your time zone ({name}); stored in UTC.{' ' + extra if extra else ''}"


zone_help = lazy(_zone_help, str)


class LocalDateTimeField(forms.DateTimeField):
    """`past_event`: something that happened (detection, a filing), so not in the future."""

    def __init__(self, *, past_event: bool, help_extra: str = "", **kwargs: Any) -> None:
        self.past_event = past_event
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", zone_help(help_extra))
        super().__init__(
            input_formats=[LOCAL_DATETIME, "%Y-%m-%d %H:%M"],
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME),
            **kwargs,
        )

    def to_python(self, value: Any) -> dt.datetime | None:
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code == "ambiguous_timezone":
                raise forms.ValidationError(
                    f"“{value}” does not name one moment in "
                    f"{timezone.get_current_timezone_name()}: the clocks change then (it is "
                    "skipped or happens twice). Enter the time as it was shown just before "
                    "or after the change, or choose UTC in your settings.",
                    code="ambiguous_timezone",
                ) from None
            raise

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if value < EARLIEST:
            raise forms.ValidationError(
                "That is before 1970: check the year.", code="implausible_time"
            )
        if self.past_event and value > timezone.now() + FUTURE_SLACK:
            raise forms.ValidationError(
                "That is in the future: enter when it happened.", code="implausible_time"
            )
