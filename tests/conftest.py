from __future__ import annotations

from dataclasses import dataclass

import pytest
from celery import Task
from django.contrib.auth.models import User
from django.test import Client

from config.celery import app as celery_app
from incidents import roles
from incidents.models import (
    BreachVector,
    ChecklistItem,
    DataCategory,
    Incident,
    NoticeTemplate,
    Playbook,
    PlaybookItem,
)
from incidents.seed import seed_notice_template_updates, seed_notice_templates, seed_taxonomy
from tests.factories import make_incident, make_user
from tests.processes import SEND_TO_BROKER


@dataclass
class Queued:
    """A task a test queued: recorded, neither sent to a broker nor run."""

    task: Task
    args: tuple
    kwargs: dict

    def run(self) -> object:
        """Call the task's function here, as the worker would (no eager mode)."""
        return self.task(*self.args, **self.kwargs)


@pytest.fixture(autouse=True)
def queued_tasks(monkeypatch) -> list[Queued]:
    """What the code under test queues, in order. Nothing runs by itself: a unit test that
    needs a task's effect calls `run_queued`; tests with real workers send to them
    (tests/processes.py puts the real `apply_async` back inside a running stack)."""
    assert not celery_app.conf.task_always_eager
    queued: list[Queued] = []

    def record(self: Task, args: tuple | None = None, kwargs: dict | None = None, **_: object):
        queued.append(Queued(self, tuple(args or ()), dict(kwargs or {})))

    assert Task.apply_async is SEND_TO_BROKER  # the real one, kept by tests/processes.py
    monkeypatch.setattr(Task, "apply_async", record)
    return queued


def run_queued(queued: list[Queued]) -> list[object]:
    """Run (and forget) every task queued so far, oldest first, by calling its function."""
    results = []
    while queued:
        results.append(queued.pop(0).run())
    return results


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _in_memory_channel_layer(settings, request):
    if "real_channel_layer" not in request.keywords:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@dataclass
class Cast:
    """An admin, a commander, a responder, comms, an auditor, a responder who is not a
    member of restricted incidents, and a signed-in user with no role at all."""

    admin: User
    commander: User
    responder: User
    comms: User
    auditor: User
    outsider: User
    norole: User


@pytest.fixture
def cast(db) -> Cast:
    # Transactional tests flush the tables, seeded reference data included: put it back.
    seed_taxonomy(DataCategory, BreachVector)
    seed_notice_templates(NoticeTemplate)
    seed_notice_template_updates(NoticeTemplate)
    return Cast(
        admin=make_user(roles.ADMIN, "ada"),
        commander=make_user(roles.COMMANDER, "dana"),
        responder=make_user(roles.RESPONDER, "sam"),
        comms=make_user(roles.COMMUNICATIONS, "casey"),
        auditor=make_user(roles.AUDITOR, "avery"),
        outsider=make_user(roles.RESPONDER, "olive"),
        norole=make_user(None, "nemo"),
    )


@pytest.fixture
def incident(cast) -> Incident:
    return make_incident(by=cast.commander, title="Public incident")


@pytest.fixture
def restricted(cast) -> Incident:
    """Restricted; members: commander, responder, auditor (not the outsider)."""
    found = make_incident(by=cast.commander, title="Secret MelzTube breach", restricted=True)
    found.members.add(cast.responder, cast.auditor)
    return found


def client_for(user: User) -> Client:
    """A client signed in as `user` as if the sign-in had completed (second factor
    included): force_login skips the sign-in page, so the session says so itself."""
    client = Client()
    client.force_login(user)
    signed_in(client)
    return client


def signed_in(client: Client) -> None:
    from incidents.signin import mfa_policy

    session = client.session
    session[mfa_policy.SESSION_KEY] = mfa_policy.OK
    session.save()


@pytest.fixture
def scenario_steps(cast, incident) -> dict[str, ChecklistItem]:
    """The SCENARIO's playbook applied to `incident`, its steps by key."""
    from incidents.seed import seed_playbooks
    from incidents.services.checklists import apply_playbook

    seed_playbooks(Playbook, PlaybookItem)
    apply_playbook(
        incident=incident,
        playbook=Playbook.objects.get(slug="exposed-internal-api-endpoint"),
        by=cast.commander,
    )
    return {item.key: item for item in incident.checklist.all()}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database says it is one, so the runner may empty the append-only tables
    between tests (migration 0045); a production database never carries this setting."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            name = connection.settings_dict["NAME"]
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE \"{name}\" SET breachroom.test_database = 'on'")
            connection.close()  # the setting applies to sessions opened from now on


@pytest.fixture(autouse=True)
def _audit_key_in_a_temporary_folder(settings, tmp_path):
    """The checkpoint signing key and file of a test are its own, never the developer's."""
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "audit" / "signing-key.pem"
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit" / "checkpoints.jsonl"


@pytest.fixture(autouse=True)
def _evidence_in_a_temporary_folder(settings, tmp_path):
    """Evidence files a test keeps go to its own folder, never the developer's var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
