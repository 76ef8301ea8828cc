"""Start the real processes (ASGI web server, relay, Celery worker) against the test
database, the way `make run` and compose do, and stop them cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from celery import Task
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from incidents import process_commands

# Celery's own apply_async, taken when this module is imported (tests/conftest.py imports
# it before any test replaces it with the recorder).
SEND_TO_BROKER = Task.apply_async

LOG_DIR = Path(settings.VAR_DIR) / "test-logs"


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_files_env() -> dict[str, str]:
    """A child process keeps the audit key and checkpoint file of the test that started it
    (tests/conftest.py), never the developer's var/."""
    key, filed = Path(settings.AUDIT_SIGNING_KEY_FILE), Path(settings.AUDIT_CHECKPOINT_FILE)
    if str(key).startswith(str(settings.VAR_DIR)):  # a stack made for a whole session
        folder = Path(tempfile.mkdtemp(prefix="breachroom-audit-"))
        key, filed = folder / "signing-key.pem", folder / "checkpoints.jsonl"
    return {"AUDIT_SIGNING_KEY_FILE": str(key), "AUDIT_CHECKPOINT_FILE": str(filed)}


class Stack:
    """Child processes sharing one environment: the test DB, a private queue and prefix."""

    def __init__(self, **extra_env: str) -> None:
        self.queue = f"test-{uuid.uuid4().hex[:10]}"
        # The children keep evidence (a check's proof, an export) where this test's own
        # storage is (tests/conftest.py), never in the developer's var/.
        evidence_dir: str = settings.STORAGES["evidence"]["OPTIONS"]["location"]
        if str(evidence_dir).startswith(str(settings.VAR_DIR)):  # a stack made for a session
            evidence_dir = tempfile.mkdtemp(prefix="breachroom-evidence-")
        self.env = {
            **os.environ,
            **child_files_env(),
            "EVIDENCE_DIR": str(evidence_dir),
            **extra_env,
            "DATABASE_URL": database_url(),
            "CELERY_QUEUE": self.queue,
            "CHANNEL_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONUNBUFFERED": "1",
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        LOG_DIR.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = LOG_DIR / f"{name}-{self.queue}.log"
        self.logs[name] = log
        with log.open("wb") as handle:
            process = subprocess.Popen(
                args,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def log_text(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")

    def wait_for_log(self, name: str, needle: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log_text(name):
                return
            if self.processes[name].poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"{name} never said {needle!r}:\n{self.log_text(name)[-3000:]}")

    def start_worker(self, name: str = "worker", concurrency: int = 1) -> subprocess.Popen:
        hostname = f"{name}-{self.queue}@%h"
        process = self.start(
            name, process_commands.worker(hostname=hostname, concurrency=concurrency)
        )
        self.wait_for_log(name, "ready.")
        return process

    def start_web(self) -> str:
        port = free_port()
        self.start("web", process_commands.web(port=port))
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"web never became healthy:\n{self.log_text('web')[-3000:]}")
        if not settings.RELAY_IN_PROCESS:
            self.start("relay", process_commands.relay())
            self.wait_for_log("relay", "relay started")
        return url

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        os.killpg(process.pid, sig)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def running_stack(**extra_env: str) -> Iterator[Stack]:
    """Yield a Stack whose tasks go to its private queue; everything stops on exit."""
    stack = Stack(**extra_env)
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = stack.queue
    try:
        # Tasks go to the stack's real worker (the unit tests' recorder is set aside).
        with mock.patch.object(Task, "apply_async", SEND_TO_BROKER):
            yield stack
    finally:
        stack.stop_all()
        celery_app.conf.task_default_queue = previous
