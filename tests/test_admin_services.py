"""The Django admin goes through the services too: a data category's legal flags re-decide
open incidents' duties (on their record), a playbook version in use is read-only and is
edited as a new version, accounts are logged and roles are not edited as groups there,
and events are never edited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from incidents.models import (
    DataCategory,
    Event,
    Obligation,
    Playbook,
    PlaybookItem,
    SecurityEvent,
)
from incidents.seed import seed_playbooks
from incidents.services.checklists import apply_playbook
from incidents.services.exposures import Range, record_exposure
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(cast):
    User.objects.filter(pk=cast.admin.pk).update(is_staff=True, is_superuser=True)
    cast.admin.refresh_from_db()
    return client_for(cast.admin)


def _category_form(category: DataCategory, **changes) -> dict:
    data = {
        "slug": category.slug,
        "name": category.name,
        "description": category.description,
        "sensitivity": category.sensitivity,
        "enisa_data_type": category.enisa_data_type,
    }
    for flag in ("personal_data", "special_category", "children", "withheld_from_partners"):
        if getattr(category, flag):
            data[flag] = "on"
    for key, value in changes.items():
        if value is False:
            data.pop(key, None)
        else:
            data[key] = "on" if value is True else value
    return data


def test_making_a_category_personal_data_re_decides_open_incidents(cast, incident, staff):
    category = DataCategory.objects.get(slug="advertiser-brand-safety")
    record_exposure(
        incident=incident,
        category=category,
        status="confirmed",
        by=cast.commander,
        people=Range(30, 30),
        people_by_jurisdiction={"DE": 30},
    )
    assert not Obligation.objects.filter(incident=incident).exists()  # not personal data
    response = staff.post(
        f"/admin/incidents/datacategory/{category.pk}/change/",
        _category_form(category, personal_data=True),
    )
    assert response.status_code == 302, response.content[:500]
    assert Obligation.objects.filter(incident=incident, rule_id="eu-gdpr-art33").exists()
    change = Event.objects.get(incident=incident, verb="catalogue.category_changed")
    assert change.before == {"personal_data": False} and change.after["personal_data"] is True
    assert SecurityEvent.objects.get(verb="catalogue.category_saved").actor_id == cast.admin.pk


def test_a_playbook_in_use_is_read_only_and_edited_as_a_new_version(cast, incident, staff):
    seed_playbooks(Playbook, PlaybookItem)
    playbook = Playbook.objects.get(slug="exposed-internal-api-endpoint")
    apply_playbook(incident=incident, playbook=playbook, by=cast.commander)
    page = staff.get(f"/admin/incidents/playbook/{playbook.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # view only
    posted = staff.post(f"/admin/incidents/playbook/{playbook.pk}/change/", {"name": "Renamed"})
    assert posted.status_code == 403
    staff.post(
        "/admin/incidents/playbook/",
        {"action": "copy_as_new_version", "_selected_action": [playbook.pk]},
    )
    copy = Playbook.objects.get(slug=playbook.slug, version=2)
    assert copy.items.count() == playbook.items.count()
    assert Playbook.objects.get(pk=playbook.pk).name == playbook.name


def test_accounts_are_logged_and_roles_are_not_groups_in_the_admin(cast, staff):
    page = staff.get(f"/admin/auth/user/{cast.responder.pk}/change/").content.decode()
    assert 'name="groups"' not in page  # read-only: roles are given on the People page
    assert staff.get("/admin/auth/group/").status_code == 404


def test_events_cannot_be_changed_in_the_admin(cast, incident, staff):
    event = Event.objects.filter(incident=incident).first()
    assert staff.post(f"/admin/incidents/event/{event.pk}/change/", {}).status_code == 403
    assert (
        staff.post(f"/admin/incidents/event/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    )


def test_deactivating_an_account_is_logged_and_ends_its_sessions(cast, staff):
    from incidents.models import UserSession

    UserSession.objects.create(user=cast.responder, session_key="k" * 32)
    user = cast.responder
    response = staff.post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": user.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_staff": "",
            "is_active": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert not User.objects.get(pk=user.pk).is_active
    logged = SecurityEvent.objects.get(verb="account.changed")
    assert "is_active" in logged.after["fields"]
    assert not UserSession.objects.filter(user=user).exists()
