"""The Celery application; tasks live in incidents/tasks.py."""

import os

from celery import Celery

import incidents.embedded_broker  # noqa: F401 - registers the embedded default's transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("breachroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _connect_request_context() -> None:
    """Events appended by a task carry its id as their request id, and "worker"."""
    from celery.signals import task_postrun, task_prerun

    from incidents import request_context

    task_prerun.connect(request_context.task_started, weak=False)
    task_postrun.connect(request_context.task_finished, weak=False)


_connect_request_context()
