"""Every form endpoint, posted generated values as a person allowed to use it (every role
at once), including the nasty ones (NUL, line breaks, huge text, NaN, sNaN, off-scale
numbers, unknown choices): never a 500, and nothing written when the answer is a refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents import roles
from incidents.models import (
    ChecklistItem,
    Credential,
    Event,
    Exposure,
    Note,
    Notice,
    NoticeTemplate,
    Obligation,
    Partner,
    RiskAssessment,
    RotationTask,
)
from incidents.services import incident_fields
from tests.conftest import signed_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "line\r\nBcc: x@evil.example",
        "x" * 5_001,
        "y" * 120_000,
        "NaN",
        "sNaN",
        "-Infinity",
        "1e309",
        "-1",
        "0",
        "2.5",
        "99999999999999999999999",
        "abc",
        "<script>alert(1)</script>",
        "{{ settings.SECRET_KEY }}",
        "{% if %}",
        "US-CA",
        "ZZ",
        "1969-06-01T12:00",
        "0001-01-01T00:00",
        "9999-12-31T23:59",
        "2026-03-08T02:30",
        "AKIAIOSFODNN7EXAMPLE",
        "😀" * 50,
    ]
)
VALUES = st.one_of(NASTY, st.text(max_size=60), st.integers(-(10**15), 10**15).map(str))

# Route name -> the fields its form posts (the real names, so validation is reached).
INCIDENT_FORMS: dict[str, list[str]] = {
    "incidents:transition": ["to", "reason", "duplicate_of"],
    "incidents:field": ["value", "was"],
    "incidents:exposure-save": [
        "category",
        "status",
        "records_low",
        "records_high",
        "people_low",
        "people_high",
        "place",
        "place_people",
        "disclosed",
        "unavailable",
        "protection",
        "evidence",
        "version",
    ],
    "incidents:note-add": ["body"],
    "incidents:risk-assess": [
        "recipients",
        "backup",
        "unavailable_hours",
        "measures",
        "measures_text",
        "dpc",
        "ei",
        "confidentiality",
        "integrity",
        "availability",
        "malicious",
        "dpc_rationale",
        "ei_rationale",
        "cb_rationale",
        "level",
        "level_rationale",
    ],
    "incidents:obligation-meet": ["notice", "filed_at", "reference", "late_reason"],
    "incidents:obligation-waive": ["reason", "exception"],
    "incidents:campaign-start": ["scope", "system", "kind", "tag", "due_at"],
    "incidents:rotations-move": ["to", "new_identifier", "reason", "tasks"],
    "incidents:playbook-apply": ["playbook"],
    "incidents:notices-draft": ["template", "partners", "audience"],
    "incidents:member-add": ["username"],
    "incidents:member-remove": ["username"],
}
ORG_FORMS: dict[str, list[str]] = {
    "credentials": ["name", "kind", "system", "environment", "owner", "identifier", "tags"],
    "partners": [
        "organisation",
        "audience",
        "jurisdictions",
        "language",
        "channel",
        "contact_name",
        "contact_email",
        "contact_role",
    ],
    "profile": ["time_zone"],
    "people-mfa-policy": ["required"],
    "people-unlock": ["username", "address"],
}
EDITABLE = list(incident_fields.EDITABLE)
WATCHED: tuple[type[Model], ...] = (
    Event,
    Exposure,
    Note,
    RiskAssessment,
    Obligation,
    Credential,
    Partner,
    Notice,
    NoticeTemplate,
    ChecklistItem,
    RotationTask,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in WATCHED}


@pytest.fixture
def everyone(cast, incident):
    """One person holding every role, signed in as if the sign-in had completed."""
    user = make_user(roles.ADMIN, "omni")
    for role in roles.ALL_ROLES:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client(raise_request_exception=True)
    client.force_login(user)
    signed_in(client)
    return client


def _post(client: Client, url: str, fields: list[str], values: list[Any]) -> Any:
    data = dict(zip(fields, values, strict=False))
    return client.post(url, data, HTTP_HX_REQUEST="true")


def _check(response: Any, before: dict[str, int], url: str) -> None:
    assert response.status_code < 500, f"{url}: {response.status_code}"
    if response.status_code >= 400:
        assert _counts() == before, f"{url} refused with {response.status_code} but wrote"


@pytest.mark.parametrize("name", list(INCIDENT_FORMS))
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_incident_forms_never_fail_and_write_nothing_when_refused(everyone, incident, name, data):
    fields = INCIDENT_FORMS[name]
    values = data.draw(st.lists(VALUES, min_size=len(fields), max_size=len(fields)))
    kwargs: dict[str, Any] = {"reference": incident.reference}
    if name.startswith("incidents:obligation-"):
        kwargs["pk"] = 999_999
    if name == "incidents:field":
        kwargs["field"] = data.draw(st.sampled_from(EDITABLE))
    url = reverse(name, kwargs=kwargs)
    before = _counts()
    _check(_post(everyone, url, fields, values), before, url)


@pytest.mark.parametrize("name", list(ORG_FORMS))
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_org_forms_never_fail_and_write_nothing_when_refused(everyone, name, data):
    fields = ORG_FORMS[name]
    values = data.draw(st.lists(VALUES, min_size=len(fields), max_size=len(fields)))
    url = reverse(name)
    before = _counts()
    _check(_post(everyone, url, fields, values), before, url)
