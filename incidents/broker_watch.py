"""Knowing when the broker lost its messages, so the work it held comes back at once.

A Redis restarted without its data (or flushed), or the embedded broker's folder
emptied, drops every queued task without a word. The sweeper keeps one marker message
in a queue no worker reads; finding it gone on its next pass means whatever was queued
before may be gone too, and the sweepers queue their waiting work again without waiting
out their graces (services/check_runs.py, notices.py, import_jobs.py). Queuing twice is
harmless: every task claims its work conditionally."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from kombu import Exchange, Queue
from kombu.exceptions import ChannelError

log = logging.getLogger(__name__)


def marker_queue() -> Queue:
    name = f"{settings.CELERY_TASK_DEFAULT_QUEUE}.marker"
    return Queue(name, Exchange(name, type="direct"), routing_key=name, durable=True)


def messages_lost() -> bool:
    """True if the marker left by the previous call is gone (and also on the very first
    call, when no marker was ever left: the cautious answer); leaves a marker again."""
    from config.celery import app

    queue = marker_queue()
    with app.connection_for_write() as connection:
        try:
            declared: Any = queue(connection.default_channel).queue_declare(passive=True)
            held = declared.message_count
        except ChannelError:  # the queue itself is gone (Redis drops an empty list)
            held = 0
        if held:
            return False
        with connection.Producer() as producer:
            producer.publish(
                {"marker": True},
                exchange=queue.exchange,
                routing_key=queue.routing_key,
                declare=[queue],
                serializer="json",
            )
    log.warning("the broker holds no marker: it lost its messages; queuing waiting work again")
    return True
