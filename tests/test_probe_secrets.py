"""Secret references for rotation probes: admins register and retire them (on the security
log), everyone with a role reads the list, the worker reads the value from a file placed
without a restart (or its environment), and a retired one is never presented."""

from incidents.checks.old_credential import secret_value
from incidents.models import ProbeSecret, SecurityEvent
from incidents.services import ServiceError
from incidents.services.probe_secrets import register, retire
from tests.conftest import client_for


def test_only_admins_register_and_every_act_is_on_the_security_log(cast):
    page = client_for(cast.responder).get("/probe-secrets/")
    assert page.status_code == 200 and "Register a reference" not in page.content.decode()
    refused = client_for(cast.responder).post("/probe-secrets/", {"name": "OLD_KEY"})
    assert refused.status_code == 403 and not ProbeSecret.objects.exists()
    admin = client_for(cast.admin)
    made = admin.post("/probe-secrets/", {"name": "OLD_KEY", "description": "content-api key"})
    assert made.status_code == 302
    secret = ProbeSecret.objects.get(name="OLD_KEY")
    assert client_for(cast.responder).post(f"/probe-secrets/{secret.pk}/retire/").status_code == 403
    assert admin.post(f"/probe-secrets/{secret.pk}/retire/").status_code == 302
    verbs = list(SecurityEvent.objects.order_by("seq").values_list("verb", flat=True))
    assert verbs[-2:] == ["probe_secret.registered", "probe_secret.retired"]
    assert client_for(cast.norole).get("/probe-secrets/").status_code == 403


def test_a_reference_is_a_name_never_a_path(cast):
    for bad in ("../etc/passwd", "a/b", "1KEY", "", "KEY WITH SPACE"):
        try:
            register(name=bad, description="", by=cast.admin)
        except ServiceError:
            continue
        raise AssertionError(f"{bad!r} was accepted")
    assert not ProbeSecret.objects.exists()
    response = client_for(cast.admin).post("/probe-secrets/", {"name": "../x"})
    assert response.status_code == 422 and "letters, digits and _" in response.content.decode()


def test_the_worker_reads_a_file_placed_without_a_restart_before_its_environment(
    settings, tmp_path, monkeypatch
):
    settings.PROBE_SECRETS_DIR = tmp_path
    monkeypatch.setenv("OLD_KEY", "from-the-environment")
    assert secret_value("OLD_KEY") == "from-the-environment"
    (tmp_path / "OLD_KEY").write_text("from-the-file\n")
    assert secret_value("OLD_KEY") == "from-the-file"
    assert secret_value("../OLD_KEY") == ""


def test_a_retired_reference_is_not_presented(cast, incident, settings, tmp_path):
    from incidents.checks import CheckContext, check_for
    from incidents.models import RotationState, RotationTask
    from incidents.services.credentials import add_credential

    settings.PROBE_SECRETS_DIR = tmp_path
    (tmp_path / "OLD_KEY").write_text("old-key")
    secret = register(name="OLD_KEY", description="", by=cast.admin)
    retire(secret=secret, by=cast.admin)
    credential = add_credential(name="k", kind="api_key", system="content-api", identifier="…1")
    task = RotationTask.objects.create(
        incident=incident,
        credential=credential,
        state=RotationState.REVOKED,
        probe_url="http://127.0.0.1:9/probe",
        probe_secret_env="OLD_KEY",
    )
    outcome = check_for("old_credential_refused").run(
        {}, CheckContext(incident_id=incident.pk, rotation_id=task.pk)
    )
    assert outcome.status == "error" and "retired" in outcome.summary
    again = register(name="OLD_KEY", description="back", by=cast.admin)
    assert again.pk == secret.pk and again.retired_at is None
