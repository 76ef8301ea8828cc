"""Deadline watch: steps and rotations nearing (24 h) or past due raise an event and a
notification, once each; and checks set to re-run are queued when due."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.models import (
    ITEM_FINISHED,
    ROTATION_DONE,
    ChecklistItem,
    RotationTask,
)
from incidents.services import ServiceError
from incidents.services.events import append_event
from incidents.services.locking import lock_incident
from incidents.services.notifications import notify

WARN_BEFORE = timedelta(hours=24)
log = logging.getLogger(__name__)


def watch() -> int:
    now = timezone.now()
    raised = 0
    items = ChecklistItem.objects.exclude(state__in=ITEM_FINISHED).filter(due_at__isnull=False)
    rotations = RotationTask.objects.exclude(state__in=ROTATION_DONE).filter(due_at__isnull=False)
    for queryset, kind in ((items, "step"), (rotations, "rotation")):
        for flag, condition, verb in (
            ("overdue_notified_at", {"due_at__lte": now}, "deadline.missed"),
            (
                "due_warned_at",
                {"due_at__lte": now + WARN_BEFORE, "due_at__gt": now},
                "deadline.approaching",
            ),
        ):
            for pk in queryset.filter(**condition, **{f"{flag}__isnull": True}).values_list(
                "pk", flat=True
            )[:500]:
                raised += _raise(queryset.model, pk, flag, verb, kind, now)
    return raised


def _raise(model: Any, pk: int, flag: str, verb: str, kind: str, now: Any) -> int:
    with transaction.atomic():
        # The conditional UPDATE is the claim: a second beat tick or worker finds it taken.
        if not model.objects.filter(pk=pk, **{f"{flag}__isnull": True}).update(**{flag: now}):
            return 0
        thing = model.objects.select_related("incident", "incident__commander").get(pk=pk)
        incident = lock_incident(thing.incident_id)
        name = thing.title if kind == "step" else thing.credential.name
        missed = verb == "deadline.missed"
        when = "is past due" if missed else "is due within 24 hours"
        text = f"{incident.reference}: {kind} “{name}” {when}"
        append_event(
            incident=incident,
            verb=verb,
            actor_label="deadline watch",
            after={"kind": kind, "name": name, "due_at": thing.due_at},
        )
        recipient = getattr(thing, "assignee", None) or thing.incident.commander
        if recipient is not None:
            notify(user=recipient, incident=incident, text=text)
    return 1


def queue_due_reruns() -> int:
    from incidents.services.check_runs import request_item_check

    due = ChecklistItem.objects.exclude(state__in=ITEM_FINISHED).filter(
        rerun_every_minutes__isnull=False, next_run_at__lte=timezone.now()
    )
    queued = 0
    for item in due[:200]:
        # Claim by moving next_run_at; a concurrent tick then finds nothing due.
        claimed = ChecklistItem.objects.filter(pk=item.pk, next_run_at=item.next_run_at)
        if not claimed.update(next_run_at=None):
            continue
        try:
            request_item_check(item=item, by=None)
        except ServiceError as error:  # e.g. its URL was removed: stop re-running it
            log.warning("re-run of %s skipped: %s", item, " ".join(error.messages))
            continue
        queued += 1
    return queued
