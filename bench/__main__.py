"""`make bench`: measured figures, printed with the machine they came from.

Runs outside the test suite against its own PostgreSQL database, BENCH_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/breachroom_bench), created and migrated here.
Pick benchmarks by name: `python -m bench event_log triage`.
"""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/breachroom_bench"
ALL = (
    "event_log",
    "live",
    "triage",
    "mitigation",
    "communications",
    "evidence_upload",
    "audit",
    "faults",
)


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    chosen = sys.argv[1:] or list(ALL)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    # The bench's checkpoints are its own database's: kept apart from `make run`'s.
    bench_var = os.path.join("var", "bench")
    os.environ.setdefault("AUDIT_SIGNING_KEY_FILE", os.path.join(bench_var, "signing-key.pem"))
    os.environ.setdefault("AUDIT_CHECKPOINT_FILE", os.path.join(bench_var, "checkpoints.jsonl"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"# Breachroom bench {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {url.rsplit('@', 1)[-1]}"
    )
    from bench import (
        audit,
        communications,
        event_log,
        evidence_upload,
        faults,
        live,
        mitigation,
        triage,
    )

    for name in chosen:
        print(f"\n## {name}")
        if name == "event_log":
            event_log.run()
        elif name == "live":
            live.run(url)
        elif name == "triage":
            triage.run(url)
        elif name == "mitigation":
            mitigation.run(url)
        elif name == "communications":
            communications.run(url)
        elif name == "audit":
            audit.run(url)
        elif name == "evidence_upload":
            evidence_upload.run(url)
        elif name == "faults":
            faults.run(url)
        else:
            raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(ALL)}")


if __name__ == "__main__":
    main()
