"""Migrations run backwards as well as forwards (we never edit a landed one)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_incident_migrations_reverse_to_zero_and_reapply():
    call_command("migrate", "incidents", "zero", verbosity=0)
    assert "incidents_event" not in connection.introspection.table_names()
    call_command("migrate", "incidents", verbosity=0)
    assert "incidents_event" in connection.introspection.table_names()
    assert Group.objects.filter(name="auditor").exists()
