"""`make bench`: measured figures, printed with the machine they came from.

Runs outside the test suite, against the configured database (DATABASE_URL, else the
embedded SQLite under var/bench/). Each benchmark module prints its own lines.
"""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("BREACHROOM_VAR_DIR", os.path.join("var", "bench"))
    import django

    django.setup()
    from django.db import connection

    from bench import event_log

    print(f"# Breachroom bench {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {connection.vendor}"
    )
    event_log.run()


if __name__ == "__main__":
    main()
