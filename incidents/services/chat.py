"""An incident's chat channel (Slack, Mattermost or Teams incoming webhook), set by its
commanders: what needs the team's attention is posted there as it happens.

The webhook's URL is a secret (anyone holding it can post to the channel), so the
incident names only a reference an admin registered (services/probe_secrets.py); the
worker reads the URL where it reads probe secrets. A post says which incident, what kind
of thing happened and links here; never the breach's details (no titles, names, notes or
notice text), as with notification mail: the chat service is a third party.

The call goes through the same outbound policy as automated checks (checks/
target_policy.py): only allowed hosts, never link-local or metadata addresses. A post
that cannot be made is recorded on the incident's timeline with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from incidents.models import Event, Incident, Status
from incidents.services import probe_secrets
from incidents.services.locking import lock_incident


def _status(event: Event) -> str:
    try:
        return str(Status(event.after.get("status")).label).lower()
    except ValueError:
        return "a new status"


# The events a channel hears, in words that carry no breach details.
POSTED: dict[str, Callable[[Event], str]] = {
    "incident.status_changed": lambda e: f"the incident is now {_status(e)}",
    "obligation.applies": lambda e: "a new notification duty applies",
    "obligation.reminder": lambda e: (
        f"a notification duty is due within {e.after.get('hours_before')} hours"
    ),
    "obligation.overdue": lambda e: "a notification duty is past its deadline",
    "obligation.met": lambda e: "a notification duty was recorded as met",
    "notice.sent": lambda e: "a notice was sent",
    "notice.send_failed": lambda e: "a notice could not be sent",
    "deadline.missed": lambda e: "a checklist step is past its due time",
}


class ChatUnavailable(Exception):
    """The post was not made; the reason names no secret."""


def announce_later(incident: Incident, event: Event) -> None:
    """From append_event, inside the change's transaction: post once it commits (nothing
    is said of a change that was rolled back)."""
    if incident.chat_webhook and event.verb in POSTED:
        transaction.on_commit(partial(_queue, event.pk))


def _queue(event_id: int) -> None:
    from incidents import tasks  # tasks import services

    tasks.post_to_chat.delay(event_id)


def message_for(event: Event) -> str:
    incident = event.incident
    link = f"{settings.PUBLIC_URL}{reverse('incidents:detail', args=[incident.reference])}"
    return f"[Breachroom] {incident.reference}: {POSTED[event.verb](event)}. {link}"


def post(event_id: int) -> bool:
    """Post one event's line to its incident's channel, if it still has one; False if
    there is none (unset since). ChatUnavailable when the channel could not be reached;
    ConnectionError for a transient failure the task retries."""
    from incidents.checks import safe_http
    from incidents.checks.old_credential import secret_value

    event = Event.objects.select_related("incident").get(pk=event_id)
    reference = event.incident.chat_webhook
    if not reference or event.verb not in POSTED:
        return False
    if not probe_secrets.is_active(reference):
        raise ChatUnavailable(f"the secret reference {reference} was retired")
    url = secret_value(reference)
    if not url:
        raise ChatUnavailable(f"the worker has no value for the secret reference {reference}")
    body = json.dumps({"text": message_for(event)}).encode()
    try:
        response = safe_http.request(
            url,
            method="POST",
            body=body,
            headers={"Content-Type": "application/json"},
            timeout=10.0,
        )
    except ValidationError as refused:  # the outbound policy, or a URL that is not one
        raise ChatUnavailable(" ".join(refused.messages)) from None
    except ValueError:  # a malformed URL (a port that is not a number, spaces): never shown
        raise ChatUnavailable(f"the value of {reference} is not a usable URL") from None
    if response.status >= 500:
        raise ConnectionError(f"the chat service answered {response.status}")
    if response.status >= 300:
        raise ChatUnavailable(f"the chat service refused the post ({response.status})")
    return True


def record_failure(event_id: int, reason: str) -> None:
    """Said on the timeline, so a silent channel is not mistaken for a quiet incident."""
    from incidents.services.events import append_event  # events announce through here

    event = Event.objects.only("incident_id", "seq", "verb").get(pk=event_id)
    with transaction.atomic():
        incident = lock_incident(event.incident_id)
        append_event(
            incident=incident,
            verb="chat.post_failed",
            actor_label="chat channel",
            after={"seq": event.seq, "reason": reason[:300], "about": event.verb},
        )
