"""A notification duty's owner: given by those who decide duties, told at once, and
reminded with the commander as the deadline nears."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Event, Notification, Obligation
from incidents.services.obligation_watch import remind
from incidents.services.obligations import set_owner
from tests.conftest import client_for
from tests.factories import expose_people, set_aware


@pytest.fixture
def duty(cast, incident) -> Obligation:
    set_aware(incident, by=cast.commander, when=timezone.now() - timedelta(hours=60))
    incident.commander = cast.commander
    incident.save(update_fields=["commander"])
    expose_people(incident, by=cast.commander, per_place={"DE": 900})
    return Obligation.objects.get(incident=incident, rule_id="eu-gdpr-art33")


def _set(user, duty: Obligation, owner: str):
    url = f"/incidents/{duty.incident.reference}/obligations/{duty.pk}/owner/"
    return client_for(user).post(url, {"owner": owner}, HTTP_HX_REQUEST="true")


def test_the_owner_is_shown_told_and_logged(cast, duty):
    response = _set(cast.commander, duty, "casey")
    assert response.status_code == 200
    assert "Owner: " in response.content.decode()
    duty.refresh_from_db()
    assert duty.owner == cast.comms
    told = Notification.objects.get(user=cast.comms)
    assert duty.name in told.text and told.path.endswith(f"#duty-{duty.pk}")
    event = Event.objects.get(verb="obligation.owner_set")
    assert event.before == {"owner": None} and event.after["owner"] == "casey"


def test_setting_the_same_owner_again_writes_nothing(cast, duty):
    set_owner(obligation=duty, owner=cast.comms, by=cast.commander)
    before = Event.objects.count()
    set_owner(obligation=duty, owner=cast.comms, by=cast.commander)
    assert Event.objects.count() == before


def test_the_auditor_cannot_give_a_duty_an_owner(cast, duty):
    assert _set(cast.auditor, duty, "casey").status_code == 403
    duty.refresh_from_db()
    assert duty.owner is None


def test_an_unknown_owner_is_refused_beside_the_duty_and_nothing_changes(cast, duty):
    response = _set(cast.commander, duty, "nobody-here")
    assert response.status_code == 422 and "Owner" in response.content.decode()
    duty.refresh_from_db()
    assert duty.owner is None and not Event.objects.filter(verb="obligation.owner_set").exists()


def test_reminders_reach_the_owner_and_the_commander_once_each(cast, duty):
    set_owner(obligation=duty, owner=cast.comms, by=cast.commander)
    Notification.objects.all().delete()
    assert duty.deadline is not None
    remind(now=duty.deadline - timedelta(hours=5))  # inside the 6-hour warning
    remind(now=duty.deadline - timedelta(hours=5))
    told = sorted(Notification.objects.values_list("user__username", flat=True))
    assert told == ["casey", "dana"]
    assert all("is due" in n.text for n in Notification.objects.all())


def test_an_owner_who_cannot_see_a_restricted_incident_is_refused(cast, restricted):
    from incidents.services import ServiceError

    set_aware(restricted, by=cast.commander, when=timezone.now() - timedelta(hours=2))
    expose_people(restricted, by=cast.commander, per_place={"DE": 900})
    duty = Obligation.objects.get(incident=restricted, rule_id="eu-gdpr-art33")
    with pytest.raises(ServiceError, match="cannot see this incident"):
        set_owner(obligation=duty, owner=cast.outsider, by=cast.commander)
    duty.refresh_from_db()
    assert duty.owner is None and not Event.objects.filter(verb="obligation.owner_set").exists()
