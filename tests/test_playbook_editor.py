"""Playbooks edited in the app: each save a new version, incidents keep theirs, bad input
refused with nothing saved, only commanders and admins write."""

from __future__ import annotations

import pytest

from incidents.models import Playbook, PlaybookItem, SecurityEvent
from incidents.seed import seed_playbooks
from incidents.services import ServiceError
from incidents.services.checklists import apply_playbook
from incidents.services.playbooks import StepDraft, save_version
from tests.conftest import client_for

SLUG = "exposed-internal-api-endpoint"


@pytest.fixture
def seeded(db) -> Playbook:
    seed_playbooks(Playbook, PlaybookItem)
    return Playbook.objects.filter(slug=SLUG).order_by("-version")[0]


def _post(steps: list[dict], name: str = "Lost laptop", **extra) -> dict:
    data = {
        "name": name,
        "description": "When a device with data is lost",
        "step-TOTAL_FORMS": str(len(steps)),
        "step-INITIAL_FORMS": "0",
        "step-MIN_NUM_FORMS": "0",
        "step-MAX_NUM_FORMS": "60",
        **extra,
    }
    for n, step in enumerate(steps):
        for field in ("title", "key", "role", "due_after_hours", "depends_on", "check_kind"):
            data[f"step-{n}-{field}"] = step.get(field, "")
        data[f"step-{n}-instructions"] = step.get("instructions", "")
        if step.get("DELETE"):
            data[f"step-{n}-DELETE"] = "on"
    return data


def test_a_commander_saves_a_new_version_and_running_incidents_keep_theirs(cast, incident, seeded):
    apply_playbook(incident=incident, playbook=seeded, by=cast.commander)
    before = list(incident.checklist.values_list("title", flat=True))
    steps = [{"title": i.title, "key": i.key, "role": i.role} for i in seeded.items.all()]
    steps[0]["title"] = "Open the incident and call the on-call lawyer"
    steps.append({"title": "Blank row is left out"} | {"title": ""})
    response = client_for(cast.commander).post(
        f"/playbooks/{seeded.pk}/", _post(steps, name=seeded.name)
    )
    newest = Playbook.objects.filter(slug=SLUG).order_by("-version").first()
    assert response.status_code == 302 and response["Location"] == f"/playbooks/{newest.pk}/"
    assert newest.version == seeded.version + 1 and newest.created_by == cast.commander
    assert newest.items.first().title == "Open the incident and call the on-call lawyer"
    assert newest.items.count() == seeded.items.count()
    assert list(incident.checklist.values_list("title", flat=True)) == before
    logged = SecurityEvent.objects.get(verb="playbook.saved")
    assert logged.actor == cast.commander
    assert {k: logged.after[k] for k in ("playbook", "version", "steps")} == {
        "playbook": SLUG,
        "version": newest.version,
        "steps": len(steps) - 1,
    }


def test_an_edit_of_an_old_version_is_refused_and_nothing_is_saved(cast, seeded):
    save_version(
        name=seeded.name,
        description="",
        steps=[StepDraft(title="Only step")],
        by=cast.admin,
        slug=SLUG,
        based_on=seeded.version,
    )
    count = Playbook.objects.count()
    with pytest.raises(ServiceError, match="was saved while you edited"):
        save_version(
            name=seeded.name,
            description="",
            steps=[StepDraft(title="Stale edit")],
            by=cast.commander,
            slug=SLUG,
            based_on=seeded.version,
        )
    assert Playbook.objects.count() == count


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([], "at least one step"),
        ([{"title": "A", "depends_on": "nowhere"}], "unknown step"),
        (
            [
                {"title": "A", "key": "a", "depends_on": "b"},
                {"title": "B", "key": "b", "depends_on": "a"},
            ],
            "cycle",
        ),
        ([{"title": "A", "key": "Not A Slug!"}], "lower-case"),
        ([{"title": "A", "key": "x"}, {"title": "B", "key": "x"}], "share the key"),
    ],
)
def test_bad_playbooks_are_refused_saying_why_and_nothing_is_saved(cast, db, steps, message):
    response = client_for(cast.commander).post("/playbooks/new/", _post(steps))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Playbook.objects.filter(name="Lost laptop").exists()


def test_a_new_playbook_gets_keys_from_titles_and_is_offered_to_incidents(cast, incident, db):
    steps = [
        {"title": "Wipe the device remotely", "role": "responder", "due_after_hours": "4"},
        {"title": "Tell the owner", "depends_on": "wipe-the-device-remotely"},
    ]
    response = client_for(cast.admin).post("/playbooks/new/", _post(steps))
    assert response.status_code == 302
    created = Playbook.objects.get(name="Lost laptop")
    assert list(created.items.values_list("key", flat=True)) == [
        "wipe-the-device-remotely",
        "tell-the-owner",
    ]
    page = client_for(cast.responder).get(f"/incidents/{incident.reference}/").content.decode()
    assert "Apply playbook “Lost laptop” (v1)" in page


@pytest.mark.parametrize("who", ["responder", "comms", "auditor"])
def test_only_commanders_and_admins_edit_playbooks_everyone_reads_them(cast, seeded, who):
    user = getattr(cast, who)
    assert client_for(user).get("/playbooks/").status_code == 200
    page = client_for(user).get(f"/playbooks/{seeded.pk}/").content.decode()
    assert seeded.items.first().title in page and "Save as version" not in page
    count = Playbook.objects.count()
    refused = client_for(user).post(f"/playbooks/{seeded.pk}/", _post([{"title": "X"}]))
    assert refused.status_code == 403 and Playbook.objects.count() == count


def test_a_steps_check_parameters_survive_an_edit_while_its_check_stays(cast, db):
    first = save_version(
        name="Rate limits",
        description="",
        steps=[StepDraft(title="Throttle", check_kind="rate_limit_active")],
        by=cast.admin,
    )
    PlaybookItem.objects.filter(playbook=first).update(check_params={"requests": 20})
    kept = [{"title": "Throttle harder", "check_kind": "rate_limit_active"}]
    data = _post(kept, name="Rate limits")
    data["step-0-check_params"] = '{"requests": 20}'
    data["step-0-kept_for_kind"] = "rate_limit_active"
    assert client_for(cast.commander).post(f"/playbooks/{first.pk}/", data).status_code == 302
    second = Playbook.objects.get(slug=first.slug, version=2)
    assert second.items.get().check_params == {"requests": 20}
    changed = _post(
        [{"title": "Probe", "check_kind": "endpoint_requires_auth"}], name="Rate limits"
    )
    changed["step-0-check_params"] = '{"requests": 20}'
    changed["step-0-kept_for_kind"] = "rate_limit_active"
    assert client_for(cast.commander).post(f"/playbooks/{second.pk}/", changed).status_code == 302
    third = Playbook.objects.get(slug=first.slug, version=3)
    assert third.items.get().check_params == {}  # another check: the old one's do not apply
