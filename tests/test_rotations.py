"""Rotation campaigns and their task states."""

import pytest

from incidents.models import Credential, RotationState, RotationTask
from incidents.services import ServiceError
from incidents.services.credentials import add_credential
from incidents.services.rotations import move_rotation, move_rotations, start_campaign


@pytest.fixture
def keys(db):
    return [
        add_credential(
            name=f"key {n}",
            kind="api_key" if n < 3 else "ssh_key",
            system="content-api",
            identifier=f"…{n:04d}",
        )
        for n in range(5)
    ]


def test_a_campaign_creates_one_task_per_credential_and_one_event(incident, cast, keys):
    added = start_campaign(
        incident=incident,
        credentials=Credential.objects.filter(kind="api_key"),
        by=cast.responder,
        selection="all API keys",
    )
    assert (
        added == 3 and RotationTask.objects.filter(incident=incident, state="pending").count() == 3
    )
    event = incident.events.get(verb="rotation.campaign_started")
    assert event.after["added"] == 3 and event.after["selection"] == "all API keys"


def test_adding_the_same_credentials_again_adds_only_new_ones(incident, cast, keys):
    start_campaign(
        incident=incident, credentials=Credential.objects.filter(kind="api_key"), by=cast.responder
    )
    assert (
        start_campaign(incident=incident, credentials=Credential.objects.all(), by=cast.responder)
        == 2
    )
    with pytest.raises(ServiceError, match="already in the campaign"):
        start_campaign(incident=incident, credentials=Credential.objects.all(), by=cast.responder)


def test_a_task_walks_to_verified_and_records_the_new_identifier(incident, cast, keys):
    start_campaign(
        incident=incident, credentials=Credential.objects.filter(pk=keys[0].pk), by=cast.responder
    )
    task = RotationTask.objects.get()
    move_rotation(task=task, to="rotated", by=cast.responder, new_identifier="…new1")
    move_rotation(task=task, to="revoked", by=cast.responder)
    task.refresh_from_db()
    assert task.state == "revoked" and task.new_identifier == "…new1"
    assert task.old_identifier == "…0000"
    credential = Credential.objects.get(pk=keys[0].pk)
    assert credential.last_rotated_at is not None
    # The inventory names the key in use now, and what it replaced.
    assert (credential.identifier, credential.previous_identifier) == ("…new1", "…0000")
    event = incident.events.filter(verb="rotation.state_changed").first()
    assert event.after["old_identifier"] == "…0000" and event.after["new_identifier"] == "…new1"


def test_the_inventory_and_the_rotation_table_show_the_key_in_use_and_the_one_replaced(
    incident, cast, keys
):
    from tests.conftest import client_for

    start_campaign(
        incident=incident, credentials=Credential.objects.filter(pk=keys[0].pk), by=cast.responder
    )
    move_rotation(
        task=RotationTask.objects.get(), to="rotated", by=cast.responder, new_identifier="…new1"
    )
    inventory = client_for(cast.responder).get("/credentials/").content.decode()
    assert "<code>…new1</code> <small>(was <code>…0000</code>)</small>" in inventory
    table = client_for(cast.responder).get(f"/incidents/{incident.reference}/rotations/")
    row = table.content.decode()
    assert "key 0 <code>…0000</code></td>" in row and "<td>…new1</td>" in row


def test_skipping_a_state_is_refused_naming_the_allowed_ones(incident, cast, keys):
    start_campaign(
        incident=incident, credentials=Credential.objects.filter(pk=keys[0].pk), by=cast.responder
    )
    with pytest.raises(
        ServiceError, match="cannot go from Pending to Verified dead; allowed: Rotated, Exempted"
    ):
        move_rotation(task=RotationTask.objects.get(), to="verified", by=cast.responder)


def test_exempting_needs_a_reason(incident, cast, keys):
    start_campaign(
        incident=incident, credentials=Credential.objects.filter(pk=keys[0].pk), by=cast.responder
    )
    with pytest.raises(ServiceError, match="needs a reason"):
        move_rotation(task=RotationTask.objects.get(), to="exempted", by=cast.responder)


def test_a_bulk_move_is_all_or_nothing(incident, cast, keys):
    start_campaign(incident=incident, credentials=Credential.objects.all(), by=cast.responder)
    tasks = list(RotationTask.objects.order_by("pk"))
    move_rotation(task=tasks[0], to="rotated", by=cast.responder)
    with pytest.raises(ServiceError, match=r"key 0: cannot go from Rotated to Rotated|cannot go"):
        move_rotations(
            incident=incident, task_ids=[t.pk for t in tasks], to="revoked", by=cast.responder
        )
    assert RotationTask.objects.filter(state="revoked").count() == 0
    moved = move_rotations(
        incident=incident, task_ids=[t.pk for t in tasks[1:]], to="rotated", by=cast.responder
    )
    assert len(moved) == 4 and incident.events.filter(verb="rotation.state_changed").count() == 5


def test_tasks_of_another_incident_cannot_be_moved(incident, cast, keys):
    from tests.factories import make_incident

    other = make_incident(by=cast.commander, title="Other")
    start_campaign(incident=other, credentials=Credential.objects.all(), by=cast.responder)
    with pytest.raises(ServiceError, match="not part of this incident"):
        move_rotations(
            incident=incident,
            task_ids=[RotationTask.objects.first().pk],
            to="rotated",
            by=cast.responder,
        )


def test_a_secret_as_new_identifier_is_refused(incident, cast, keys):
    start_campaign(
        incident=incident, credentials=Credential.objects.filter(pk=keys[0].pk), by=cast.responder
    )
    with pytest.raises(ServiceError, match="never stores secrets"):
        move_rotation(
            task=RotationTask.objects.get(),
            to=RotationState.ROTATED,
            by=cast.responder,
            new_identifier="sk_live_51HqLyjWDarjtT1zdp7dc",
        )
