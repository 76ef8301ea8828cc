"""Key times of an incident: their order, and the ones the lifecycle fills in."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from incidents.models import KEY_TIMES, Incident, Status
from incidents.presentation.timefmt import local_text
from incidents.services import ServiceError

TIME_LABELS = {
    "began_at": "Breach began",
    "detected_at": "Detected",
    "aware_at": "Became aware",
    "contained_at": "Contained",
    "eradicated_at": "Eradicated",
    "recovered_at": "Recovered",
    "closed_at": "Closed",
}
# Entering a status means the previous phase is done: record when, if nobody has.
FILLED_ON_ENTRY = {
    Status.ERADICATION: "contained_at",
    Status.RECOVERY: "eradicated_at",
    Status.POST_INCIDENT: "recovered_at",
    Status.CLOSED: "closed_at",
    Status.FALSE_POSITIVE: "closed_at",
    Status.DUPLICATE: "closed_at",
}
CLOCK_SKEW = timedelta(minutes=5)


def _show(moment: datetime) -> str:
    return local_text(moment)


def check_time_order(incident: Incident) -> None:
    """Refuse future times and any pair of key times out of order, naming both."""
    now = timezone.now()
    set_times = [(name, getattr(incident, name)) for name in KEY_TIMES if getattr(incident, name)]
    for name, moment in set_times:
        if moment > now + CLOCK_SKEW:
            raise ServiceError(f"{TIME_LABELS[name]} ({_show(moment)}) is in the future.")
    for index, (earlier_name, earlier) in enumerate(set_times):
        for later_name, later in set_times[index + 1 :]:
            if earlier > later:
                raise ServiceError(
                    f"{TIME_LABELS[earlier_name]} ({_show(earlier)}) cannot be after "
                    f"{TIME_LABELS[later_name]} ({_show(later)})."
                )


def fill_time_for(incident: Incident, status: str) -> str | None:
    """Set the time that entering `status` completes, if empty; returns its field name."""
    field = FILLED_ON_ENTRY.get(Status(status))
    if field and getattr(incident, field) is None:
        setattr(incident, field, timezone.now())
        return field
    return None
