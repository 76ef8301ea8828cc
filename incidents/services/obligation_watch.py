"""Reminders for open notification duties: 24 hours before, 6 hours before and at the
deadline, each once per deadline, as an event and a notification to the commander and the
duty's owner."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from incidents.models import Obligation, ObligationState
from incidents.presentation.timefmt import countdown_words
from incidents.services.events import append_event
from incidents.services.locking import lock_incident
from incidents.services.notifications import incident_path, notify

# Most urgent first: a duty found already past due is not also told "24 hours left".
STAGES = (
    ("breached_at", dt.timedelta(0), "obligation.overdue"),
    ("warned_6h_at", dt.timedelta(hours=6), "obligation.reminder"),
    ("warned_24h_at", dt.timedelta(hours=24), "obligation.reminder"),
)
FLAGS = tuple(flag for flag, _, _ in STAGES)
BATCH = 500


def remind(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    due = Obligation.objects.filter(
        state=ObligationState.OPEN, deadline__isnull=False, deadline__lte=now + STAGES[-1][1]
    )
    pending = Q()
    for flag in FLAGS:
        pending |= Q(**{f"{flag}__isnull": True})
    raised = 0
    for pk, deadline in due.filter(pending).values_list("pk", "deadline")[:BATCH]:
        if deadline is not None:  # filtered above; the type does not know
            raised += _raise(pk, _stage(deadline, now), now)
    return raised


def _stage(deadline: dt.datetime, now: dt.datetime) -> int:
    """The most urgent stage reached (the query only yields duties within the last one)."""
    return next(i for i, (_, lead, _) in enumerate(STAGES) if deadline - lead <= now)


def _raise(pk: int, stage: int, now: dt.datetime) -> int:
    flag, lead, verb = STAGES[stage]
    with transaction.atomic():
        # The conditional UPDATE is the claim; the less urgent stages are marked too.
        unclaimed = Obligation.objects.filter(
            pk=pk, state=ObligationState.OPEN, **{f"{flag}__isnull": True}
        )
        if not unclaimed.update(**{f: now for f in FLAGS[stage:]}):
            return 0
        obligation = Obligation.objects.select_related("incident__commander", "owner").get(pk=pk)
        incident = lock_incident(obligation.incident_id)
        assert obligation.deadline is not None
        when = (
            "is past its deadline"
            if verb == "obligation.overdue"
            else f"is due {countdown_words(obligation.deadline, now)}"
        )
        append_event(
            incident=incident,
            verb=verb,
            actor_label="deadline watch",
            after={
                "rule": obligation.rule_id,
                "name": obligation.name,
                "deadline": obligation.deadline,
                "hours_before": int(lead.total_seconds() // 3600),
            },
        )
        text = f"{incident.reference}: “{obligation.name}” {when}"
        told = {p.pk: p for p in (obligation.incident.commander, obligation.owner) if p}
        for person in told.values():  # an owner who commands is told once
            notify(
                user=person,
                incident=incident,
                text=text,
                path=incident_path(incident, f"#duty-{obligation.pk}"),
            )
    return 1
