"""The spine's costs: appending events, verifying chains, relaying the outbox."""

from __future__ import annotations

import asyncio
import time

from django.contrib.auth.models import User
from django.db import transaction

from bench.timing import summary, timed_calls
from incidents.audit import verify_incident
from incidents.models import EventOutbox, Incident
from incidents.realtime.relay import publish_pending
from incidents.services.events import append_event
from incidents.services.incidents import open_incident
from incidents.services.locking import lock_incident

APPENDS = 5_000


def run() -> None:
    user, _ = User.objects.get_or_create(username="bench")
    incident = open_incident(title="event log bench", by=user)

    def one_append() -> None:
        with transaction.atomic():
            append_event(
                incident=lock_incident(incident.pk), verb="bench.tick", actor=user, after={"n": 1}
            )

    print(
        summary(
            "event append (own transaction, row lock, outbox)", timed_calls(one_append, APPENDS)
        )
    )
    fresh = Incident.objects.get(pk=incident.pk)
    start = time.perf_counter()
    result = verify_incident(fresh)
    took = time.perf_counter() - start
    assert result.intact, result.describe()
    print(
        f"verify chain: {result.events} events in {took:.2f}s"
        f" = {result.events / took:,.0f} events/s"
    )

    pending = EventOutbox.objects.count()
    start = time.perf_counter()
    published = 0
    while True:
        batch = asyncio.run(publish_pending())
        if not batch:
            break
        published += batch
    took = time.perf_counter() - start
    print(
        f"relay (in-memory layer): {published} of {pending} outbox rows in {took:.2f}s "
        f"= {published / took:,.0f}/s"
    )
