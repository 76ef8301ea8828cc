"""Duty reminders through a real Celery worker process, as beat sends them."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from incidents.models import Event, Notification
from incidents.services.incident_fields import update_field
from incidents.tasks import obligation_reminders
from tests.factories import expose_people, set_aware
from tests.processes import running_stack
from tests.services import require_redis

pytestmark = pytest.mark.django_db(transaction=True)


def test_beat_schedules_the_reminders_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["obligation-reminders"]
    assert entry["task"] == "incidents.tasks.obligation_reminders" and entry["schedule"] <= 60


def test_a_worker_reminds_the_commander_six_hours_before_the_deadline(cast, incident):
    require_redis()
    update_field(incident=incident, field="commander", value=cast.commander, was="", by=cast.admin)
    incident.refresh_from_db()
    # GDPR Art. 33 due in 5 hours
    set_aware(incident, by=cast.commander, when=timezone.now() - timedelta(hours=67))
    expose_people(incident, by=cast.commander, per_place={"FR": 20})
    with running_stack() as stack:
        stack.start_worker()
        obligation_reminders.delay()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if Event.objects.filter(incident=incident, verb="obligation.reminder").exists():
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"no reminder:\n{stack.log_text('worker')[-2000:]}")
    event = Event.objects.get(incident=incident, verb="obligation.reminder")
    assert event.after["hours_before"] == 6 and event.actor_label == "deadline watch"
    # (Being made commander was a notification of its own, before the reminder.)
    note = Notification.objects.get(user=cast.commander, incident=incident, text__contains="Art")
    assert "GDPR Art. 33" in note.text and "in 4 h" in note.text
