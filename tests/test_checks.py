"""Each automated check against the local SCENARIO endpoint, and its parameter validation."""

import pytest
from django.core.exceptions import ValidationError

from incidents.checks import CheckContext, check_for, clean_params
from incidents.models import Credential, RotationState, RotationTask
from incidents.services.credentials import add_credential
from tests.scenario_server import scenario_endpoint


@pytest.fixture(autouse=True)
def _allow_loopback(settings):
    settings.CHECK_TARGET_ALLOWLIST = ["127.0.0.1"]


def _run(kind, params, incident_id=1, rotation_id=None):
    check = check_for(kind)
    return check.run(
        check.clean(params), CheckContext(incident_id=incident_id, rotation_id=rotation_id)
    )


def test_endpoint_auth_fails_while_open_and_passes_once_patched():
    with scenario_endpoint() as (url, state):
        open_result = _run("endpoint_requires_auth", {"url": url + "/internal/v2/content"})
        state.patched = True
        patched_result = _run("endpoint_requires_auth", {"url": url + "/internal/v2/content"})
    assert open_result.status == "fail" and open_result.evidence["status"] == 200
    assert patched_result.status == "pass" and patched_result.evidence["status"] == 401
    assert "without credentials" in patched_result.evidence["request"]


def test_rate_limit_passes_when_the_burst_sees_429():
    with scenario_endpoint() as (url, state):
        state.rate_limit_after = 5
        result = _run("rate_limit_active", {"url": url, "requests": 20, "seconds": 5})
    assert result.status == "pass" and result.evidence["first_429_at_request"] == 6


def test_rate_limit_fails_within_its_bounds_when_no_429_comes():
    with scenario_endpoint() as (url, state):
        result = _run("rate_limit_active", {"url": url, "requests": 12, "seconds": 5})
        assert state.hits == 12
    assert result.status == "fail" and result.evidence["statuses"] == {"200": 12}


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("endpoint_requires_auth", {}, "'url' is required"),
        (
            "endpoint_requires_auth",
            {"url": "http://10.1.1.1/"},
            "is not one of them",
        ),
        (
            "endpoint_requires_auth",
            {"url": "http://127.0.0.1/", "verb": "GET"},
            "Unknown parameter",
        ),
        (
            "endpoint_requires_auth",
            {"url": "http://127.0.0.1/", "method": "DELETE"},
            "'method' must be one of",
        ),
        (
            "rate_limit_active",
            {"url": "http://127.0.0.1/", "requests": 100_000},
            "'requests' must be from 1 to 500",
        ),
        (
            "rate_limit_active",
            {"url": "http://127.0.0.1/", "seconds": "soon"},
            "'seconds' must be a whole number",
        ),
        ("port_scan", {}, "Unknown check kind 'port_scan'"),
    ],
)
def test_bad_parameters_are_refused_with_a_clear_message(kind, params, message):
    with pytest.raises(ValidationError, match=message):
        clean_params(kind, params)


def test_the_old_credential_probe_uses_the_env_secret_and_never_shows_it(monkeypatch, incident):
    from incidents.models import ProbeSecret

    monkeypatch.setenv("MELZTUBE_OLD_KEY", "old-key-123")
    ProbeSecret.objects.create(name="MELZTUBE_OLD_KEY")
    credential = add_credential(
        name="content-api key", kind="api_key", system="content-api", identifier="…k123"
    )
    with scenario_endpoint() as (url, state):
        task = RotationTask.objects.create(
            incident=incident,
            credential=credential,
            state=RotationState.REVOKED,
            probe_url=url + "/probe",
            probe_secret_env="MELZTUBE_OLD_KEY",
        )
        still_valid = _run("old_credential_refused", {}, incident.pk, task.pk)
        state.old_key_revoked = True
        refused = _run("old_credential_refused", {}, incident.pk, task.pk)
        assert state.seen_headers[0]["Authorization"] == "old-key-123"
    assert still_valid.status == "fail" and refused.status == "pass"
    assert "old-key-123" not in str(refused.evidence) and "redacted" in refused.evidence["request"]


def test_the_probe_reports_a_missing_secret_as_an_error(incident):
    from incidents.models import ProbeSecret

    ProbeSecret.objects.create(name="NOT_SET_ANYWHERE")
    credential = Credential.objects.create(
        name="k", kind="api_key", system_id=_system(), identifier="…1"
    )
    task = RotationTask.objects.create(
        incident=incident,
        credential=credential,
        probe_url="http://127.0.0.1/probe",
        probe_secret_env="NOT_SET_ANYWHERE",
    )
    result = _run("old_credential_refused", {}, incident.pk, task.pk)
    assert result.status == "error" and "NOT_SET_ANYWHERE" in result.summary


def _system():
    from incidents.models import System

    return System.objects.get_or_create(name="sys")[0].pk


def test_rotation_complete_counts_verified_and_exempted(incident):
    for n, state in enumerate(
        [RotationState.VERIFIED, RotationState.EXEMPTED, RotationState.PENDING]
    ):
        credential = Credential.objects.create(
            name=f"k{n}", kind="api_key", system_id=_system(), identifier="…1"
        )
        RotationTask.objects.create(incident=incident, credential=credential, state=state)
    result = _run("rotation_campaign_complete", {}, incident.pk)
    assert (
        result.status == "fail" and result.evidence["done"] == 2 and result.evidence["total"] == 3
    )
    RotationTask.objects.filter(state=RotationState.PENDING).update(state=RotationState.VERIFIED)
    assert _run("rotation_campaign_complete", {}, incident.pk).status == "pass"
