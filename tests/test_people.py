"""Admins look after access on the People page (roles, the MFA each role requires, paused
sign-ins, sessions); admins and auditors read and export the security log, which an auditor
can re-hash on their own; memberships of restricted incidents are events on its chain."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest
from django.contrib.auth.models import User

from incidents import roles
from incidents.models import Event, RoleMfaPolicy, SecurityEvent
from incidents.services import security_log
from incidents.services.hashing import canonical_event
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_admin_grants_roles_on_the_people_page(cast):
    admin = client_for(cast.admin)
    page = admin.get("/people/").content.decode()
    assert cast.responder.username in page and "Second factor by role" in page
    response = admin.post(
        f"/people/{cast.responder.pk}/roles/", {"roles": [roles.RESPONDER, roles.COMMUNICATIONS]}
    )
    assert response.status_code == 302
    names = set(cast.responder.groups.values_list("name", flat=True))
    assert names == {roles.RESPONDER, roles.COMMUNICATIONS}
    assert SecurityEvent.objects.get(verb="role.changed").actor_id == cast.admin.pk


@pytest.mark.parametrize("who", ["commander", "responder", "auditor", "comms"])
def test_only_admins_reach_the_people_page_and_its_forms(cast, who):
    client = client_for(getattr(cast, who))
    assert client.get("/people/").status_code == 403
    response = client.post(f"/people/{cast.outsider.pk}/roles/", {"roles": [roles.ADMIN]})
    assert response.status_code == 403
    assert not cast.outsider.groups.filter(name=roles.ADMIN).exists()
    assert not SecurityEvent.objects.filter(verb="role.changed").exists()


def test_an_unknown_role_is_refused_with_nothing_changed(cast):
    response = client_for(cast.admin).post(
        f"/people/{cast.responder.pk}/roles/", {"roles": ["overlord"]}, follow=True
    )
    assert "Unknown role(s): overlord" in response.content.decode()
    assert set(cast.responder.groups.values_list("name", flat=True)) == {roles.RESPONDER}


def test_the_mfa_policy_is_set_per_role_and_logged(cast):
    client_for(cast.admin).post("/people/mfa-policy/", {"required": [roles.AUDITOR]})
    required = set(RoleMfaPolicy.objects.filter(mfa_required=True).values_list("role", flat=True))
    assert required == {roles.AUDITOR}
    change = SecurityEvent.objects.get(verb="mfa_policy.changed")
    assert change.after["required"] == [roles.AUDITOR]


def test_an_admin_unlocks_from_the_page(cast):
    client_for(cast.admin).post("/people/unlock/", {"username": "sam"})
    assert SecurityEvent.objects.get(verb="sign_in.unlocked").after["username"] == "sam"


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("auditor", 200), ("responder", 403)])
def test_the_security_log_is_for_admins_and_auditors(cast, who, status):
    security_log.record("sign_in.failed", actor_label="anonymous", details={"username": "x"})
    response = client_for(getattr(cast, who)).get("/security-log/")
    assert response.status_code == status
    if status == 200:
        assert "each hash re-computed" in response.content.decode()


def test_an_auditor_can_re_hash_the_exported_log_without_breachroom(cast):
    for verb in ("sign_in.succeeded", "role.changed", "sign_out"):
        security_log.record(verb, actor=cast.admin, details={"note": "é"})
    response = client_for(cast.auditor).get("/security-log.jsonl")
    lines = b"".join(response.streaming_content).decode().splitlines()
    header, rows = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    prev = "0" * 64
    for row in rows[:3]:
        digest = hashlib.sha256(
            canonical_event(
                incident_reference=header["chain"],
                seq=row["seq"],
                occurred_at=datetime.fromisoformat(row["occurred_at"]),
                actor_id=row["actor_id"],
                actor_label=row["actor"],
                verb=row["verb"],
                before=row["before"],
                after=row["after"],
                prev_hash=prev,
            )
        ).hexdigest()
        assert digest == row["hash"] and row["prev_hash"] == prev
        prev = digest
    assert SecurityEvent.objects.filter(verb="export.security_log").exists()


def test_exports_are_on_the_security_log(cast, incident):
    client = client_for(cast.responder)
    client.get(f"/incidents/{incident.reference}/audit.json")
    client.get("/register.csv")
    client.get(f"/incidents/{incident.reference}/regulator-pack.pdf")
    verbs = set(SecurityEvent.objects.values_list("verb", flat=True))
    assert {"export.audit", "export.register", "export.regulator_pack"} <= verbs


def test_a_commander_adds_and_removes_members_as_events_on_the_chain(cast, restricted):
    commander = client_for(cast.commander)
    commander.post(f"/incidents/{restricted.reference}/members/add/", {"username": "casey"})
    assert restricted.members.filter(username="casey").exists()
    assert client_for(cast.comms).get(f"/incidents/{restricted.reference}/").status_code == 200
    commander.post(f"/incidents/{restricted.reference}/members/remove/", {"username": "casey"})
    assert client_for(cast.comms).get(f"/incidents/{restricted.reference}/").status_code == 404
    verbs = list(
        Event.objects.filter(incident=restricted, verb__startswith="incident.member")
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == ["incident.member_added", "incident.member_removed"]


def test_a_responder_cannot_change_members(cast, restricted):
    response = client_for(cast.responder).post(
        f"/incidents/{restricted.reference}/members/add/", {"username": "casey"}
    )
    assert response.status_code == 403
    assert not restricted.members.filter(username="casey").exists()


def test_a_person_without_a_role_sees_only_a_page_saying_so(cast, incident):
    client = client_for(cast.norole)
    for path in ("/incidents/", "/obligations/", "/partners/", "/credentials/"):
        response = client.get(path)
        assert response.status_code == 403 and "No role yet" in response.content.decode()
    assert client.get("/accounts/profile/").status_code == 200
    assert User.objects.get(pk=cast.norole.pk)
