"""Issue 16's benchmark: one large evidence file uploaded through the real web server (one
uvicorn process), against `sha256sum` on the same file in the same run; and the web
process's peak memory above idle. Targets: ≥ 80 % of sha256sum's rate, < 100 MiB above idle.

BENCH_UPLOAD_MIB sets the size (default 1024)."""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.test import Client

from bench import http_load, seed_bulk
from incidents import process_commands
from incidents.models import EvidenceBlob
from incidents.services.incidents import open_incident

CHUNK = 8 * 1024 * 1024


def run(database_url: str) -> None:
    mib = int(os.environ.get("BENCH_UPLOAD_MIB", "1024"))
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as folder:
        path = Path(folder) / "capture.pcap"
        digest = _write(path, mib)
        floor = _sha256sum(path)
        size = path.stat().st_size
        user = seed_bulk.bench_user()
        incident = open_incident(title="Evidence upload bench", by=user)
        cookie, token = _session(user)
        server = subprocess.Popen(
            process_commands.web(port=http_load.PORT, workers=1),
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DATABASE_URL": database_url,
                "LOG_LEVEL": "WARNING",
                "DEBUG": "false",
                "EVIDENCE_DIR": str(Path(folder) / "kept"),
                "EVIDENCE_MAX_BYTES": str(size + 1),
            },
            start_new_session=True,
        )
        try:
            http_load.wait_until_up()
            idle = _rss_kib(server.pid)
            took = _upload(path, incident.reference, cookie, token)
            peak = _peak_kib(server.pid)
        finally:
            http_load.stop_server(server)
        kept = EvidenceBlob.objects.filter(sha256=digest).exists()
        rate, floor_rate = size / took / 2**20, size / floor / 2**20
        print(f"file: {size / 2**20:,.0f} MiB, kept under its SHA-256: {kept}")
        print(f"sha256sum: {floor:.2f} s = {floor_rate:,.0f} MiB/s")
        print(
            f"upload (hashed while streaming to a temporary file, moved into storage): {took:.2f} s"
            f" = {rate:,.0f} MiB/s = {100 * rate / floor_rate:.0f} % of sha256sum (target ≥ 80 %)"
        )
        print(
            f"web process memory: idle {idle / 1024:,.0f} MiB, peak {peak / 1024:,.0f} MiB,"
            f" {max(0, peak - idle) / 1024:,.0f} MiB above idle (target < 100)"
        )


def _write(path: Path, mib: int) -> str:
    """Incompressible bytes, written in chunks (the bench never holds the file either)."""
    digest = hashlib.sha256()
    block = os.urandom(CHUNK)
    with path.open("wb") as out:
        for n in range(max(1, mib * 2**20 // CHUNK)):
            piece = block[n % 7 :] + block[: n % 7]  # no two chunks alike
            digest.update(piece)
            out.write(piece)
    return digest.hexdigest()


def _sha256sum(path: Path) -> float:
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)  # page cache warm
    started = time.perf_counter()
    subprocess.run(["sha256sum", str(path)], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def _session(user: object) -> tuple[str, str]:
    """A signed-in session holding a CSRF secret (CSRF_USE_SESSIONS), as a browser's."""
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    session = client.session
    token = secrets.token_hex(16)  # 32 characters: an unmasked secret
    session["_csrftoken"] = token
    session.save()
    return f"sessionid={session.session_key}", token


def _upload(path: Path, reference: str, cookie: str, token: str) -> float:
    started = time.perf_counter()
    answer = subprocess.run(
        [
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-H",
            f"Cookie: {cookie}",
            "-H",
            f"X-CSRFToken: {token}",
            "-F",
            f"files=@{path}",
            f"http://127.0.0.1:{http_load.PORT}/incidents/{reference}/evidence/",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    took = time.perf_counter() - started
    if answer.stdout.strip() != "302":
        raise RuntimeError(f"the upload was answered {answer.stdout!r}")
    return took


def _pids(root: int) -> list[int]:
    found = [root]
    for pid in found:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        found += [int(child) for child in children]
    return found


def _status_kib(pid: int, field: str) -> int:
    total = 0
    for each in _pids(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _rss_kib(pid: int) -> int:
    return _status_kib(pid, "VmRSS")


def _peak_kib(pid: int) -> int:
    return _status_kib(pid, "VmHWM")
