"""`manage.py verify_audit` as an operator runs it: its exit code and output."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from incidents.models import EventOutbox, Status
from incidents.services.incidents import transition
from tests.processes import child_files_env, database_url
from tests.tamper import tamper


def _verify_audit() -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        env={**os.environ, **child_files_env(), "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_verify_audit_exits_0_then_1_after_tampering(cast, incident):
    transition(incident=incident, to=Status.TRIAGE, by=cast.commander)
    EventOutbox.objects.all().delete()
    ok = _verify_audit()
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().startswith("audit ok: 1 incidents, 2 events, all chains intact;")

    tamper("UPDATE incidents_event SET actor_label = 'mallory' WHERE seq = 2")
    broken = _verify_audit()
    assert broken.returncode == 1
    assert f"{incident.reference}: broken at seq 2" in broken.stderr
