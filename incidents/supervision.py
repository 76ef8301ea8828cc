"""Keeping Breachroom's processes running under `manage.py run_stack`: a child that dies is
logged and started again with backoff (1 s, 2 s, 4 s … up to a minute; reset once it has
stayed up a minute). One process failing is never a reason to stop the others."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0
STEADY_SECONDS = 60.0  # up this long: the next failure starts the backoff afresh


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    backoff: float = FIRST_BACKOFF
    restart_at: float | None = None
    restarts: int = 0


@dataclass
class Supervisor:
    commands: dict[str, list[str]]
    say: Callable[[str], None] = print
    first_backoff: float = FIRST_BACKOFF
    children: dict[str, Child] = field(default_factory=dict)

    def start(self) -> None:
        for name, command in self.commands.items():
            child = self.children[name] = Child(name, command, backoff=self.first_backoff)
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(child.command)  # noqa: S603 - our own commands
        child.started_at, child.restart_at = time.monotonic(), None

    def step(self) -> None:
        """Look at every child once: note the dead, start again those whose wait is over."""
        now = time.monotonic()
        for child in self.children.values():
            process = child.process
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    self.say(f"{child.name}: starting again (restart {child.restarts})")
                    self._spawn(child)
                continue
            if process is None or process.poll() is None:
                continue
            if now - child.started_at >= STEADY_SECONDS:
                child.backoff = self.first_backoff
            self.say(
                f"{child.name} exited with {process.returncode}; "
                f"starting it again in {child.backoff:g} s (the others keep running)"
            )
            child.restart_at = now + child.backoff
            child.backoff = min(child.backoff * 2, MAX_BACKOFF)

    def stop_all(self, grace: float) -> None:
        running = [c.process for c in self.children.values() if c.process is not None]
        for process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
