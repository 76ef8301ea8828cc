"""The Celery application; tasks live in incidents/tasks.py."""

import os

from celery import Celery

import incidents.embedded_broker  # noqa: F401 - registers the embedded default's transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("breachroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
