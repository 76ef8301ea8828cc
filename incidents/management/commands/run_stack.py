"""`make run`: web (ASGI), Celery worker and beat, and the relay when it is its own process,
under one command. Ctrl-C stops them all; one that dies is started again with backoff
(incidents/supervision.py), the others keep running."""

from __future__ import annotations

import os
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from incidents import process_commands
from incidents.demo import credentials_file
from incidents.supervision import Supervisor

GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Start the web server, a Celery worker, Celery beat and (if separate) the relay."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args: object, **options: object) -> None:
        commands = {
            "web": process_commands.web(host=str(options["host"]), port=str(options["port"])),
            "worker": process_commands.worker(hostname="worker@%h", concurrency=2),
            "beat": process_commands.beat(),
        }
        if not settings.RELAY_IN_PROCESS:
            commands["relay"] = process_commands.relay()
        self._banner(str(options["host"]), str(options["port"]))
        supervisor = Supervisor(commands, say=self.stderr.write)
        supervisor.start()
        stopping = False

        def request_stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        while not stopping:
            supervisor.step()
            time.sleep(0.3)
        supervisor.stop_all(GRACE_SECONDS)
        self.stdout.write("all processes stopped")

    def _banner(self, host: str, port: str) -> None:
        mode = (
            "PostgreSQL"
            if settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
            else "SQLite"
        )
        broker = "Redis" if settings.REDIS_URL else "filesystem (embedded)"
        self.stdout.write(
            f"\nBreachroom: database {mode}, broker {broker}, "
            f"relay {'in the web process' if settings.RELAY_IN_PROCESS else 'own process'}"
        )
        path = credentials_file()
        if path.exists():
            self.stdout.write(f"Demo sign-ins (from {path}):\n{path.read_text()}")
        self.stdout.write(f"Open http://{host}:{port}/  (Ctrl-C stops everything)\n")
