"""The command lines of Breachroom's processes, in one place: `make run`, the tests'
real-process fixtures and the benchmarks start them the same way."""

from __future__ import annotations

import sys


def web(*, host: str = "127.0.0.1", port: int | str = 8000, workers: int = 1) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "config.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--lifespan",
        "on",
        "--no-access-log",
    ]


def worker(*, hostname: str, concurrency: int = 1, loglevel: str = "INFO") -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel",
        loglevel,
        "--concurrency",
        str(concurrency),
        "--hostname",
        hostname,
        "--without-gossip",
        "--without-mingle",
    ]


def beat() -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"]


def relay() -> list[str]:
    return [sys.executable, "manage.py", "run_relay"]
