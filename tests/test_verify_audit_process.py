"""`manage.py verify_audit` as an operator runs it: its exit code and output."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from incidents.models import EventOutbox, Status
from incidents.services.incidents import transition


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_verify_audit_exits_0_then_1_after_tampering(cast, incident):
    transition(incident=incident, to=Status.TRIAGE, by=cast.commander)
    EventOutbox.objects.all().delete()
    env = {**os.environ, "DATABASE_URL": _database_url()}
    run = [sys.executable, "manage.py", "verify_audit"]
    ok = subprocess.run(run, env=env, capture_output=True, text=True, cwd=settings.BASE_DIR, check=False)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "audit ok: 1 incidents, 2 events, all chains intact"

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE incidents_event DISABLE TRIGGER incidents_event_append_only")
        cursor.execute("UPDATE incidents_event SET actor_label = 'mallory' WHERE seq = 2")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE incidents_event ENABLE TRIGGER incidents_event_append_only")
    broken = subprocess.run(run, env=env, capture_output=True, text=True, cwd=settings.BASE_DIR, check=False)
    assert broken.returncode == 1
    assert f"{incident.reference}: broken at seq 2" in broken.stderr
