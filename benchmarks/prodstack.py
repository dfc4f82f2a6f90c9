"""The production-like run as subprocesses: each line of ``deploy/Procfile`` (gunicorn, two Celery
workers, beat) started in a process group of its own, and all of them stopped together.

``tests/test_prod_smoke.py`` and ``benchmarks/load.py`` use it, so both run exactly the commands
``make prod`` runs (through honcho) and that the systemd units in ``deploy/systemd/`` mirror.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "deploy" / "Procfile"
BIN = Path(sys.executable).parent


def procfile_commands(path: Path = PROCFILE) -> dict[str, str]:
    """The Procfile's ``name: command`` lines, in order."""
    commands: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line)
        if match:
            commands[match.group(1)] = match.group(2)
    return commands


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env(**settings: str) -> dict[str, str]:
    """This process's environment minus test and Django settings, plus DEBUG off and ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "CELERY_"))}
    env.update(DEBUG="false", PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", PYTHONUNBUFFERED="1")
    env.update(settings)
    return env


class Stack:
    """The Procfile's processes; ``start()`` then ``stop()`` (also when start failed half-way)."""

    def __init__(self, env: dict[str, str], logdir: Path) -> None:
        self.env = env
        self.logdir = logdir
        self.commands = procfile_commands()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def log(self, name: str) -> Path:
        return self.logdir / f"{name}.log"

    def output(self, name: str) -> str:
        path = self.log(name)
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self, *names: str) -> None:
        """Start the named processes (all of them by default) that are not started yet."""
        self.logdir.mkdir(parents=True, exist_ok=True)
        for name, command in self.commands.items():
            if (names and name not in names) or name in self.processes:
                continue
            with self.log(name).open("wb") as out:
                # A session (and so a process group) of its own: stop() signals the whole group,
                # whatever the program forked, and a test runner's Ctrl-C does not reach it twice.
                self.processes[name] = subprocess.Popen(
                    ["/bin/bash", "-c", command],
                    cwd=ROOT,
                    env=self.env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )

    def exited(self) -> dict[str, int]:
        return {name: code for name, p in self.processes.items() if (code := p.poll()) is not None}

    def wait_for(self, condition, *, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not condition():
            if exited := self.exited():
                raise RuntimeError(f"{what}: {exited} exited early:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out after {timeout} s waiting for {what}:\n{self.tail()}")
            time.sleep(0.2)

    def wait_http(self, url: str, *, timeout: float = 60) -> None:
        def answers() -> bool:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own loopback URL)
                    return bool(response.status < 500)
            except (urllib.error.URLError, OSError):
                return False

        self.wait_for(answers, timeout=timeout, what=url)

    def wait_workers_ready(self, *, timeout: float = 60) -> None:
        workers = [name for name in self.processes if name.startswith("worker")]
        self.wait_for(
            lambda: all(" ready." in self.output(name) for name in workers), timeout=timeout, what="Celery workers"
        )

    def tail(self, lines: int = 30) -> str:
        return "\n".join(
            f"--- {name}\n" + "\n".join(self.output(name).splitlines()[-lines:]) for name in self.processes
        )

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to every process group (gunicorn and Celery shut down warmly), SIGKILL after ``timeout``."""
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        # Whatever is left in a group (the program itself, or a child it left behind) is killed.
        for process in self.processes.values():
            _signal_group(process, signal.SIGKILL)
            process.wait(timeout=10)

    def leftovers(self) -> list[int]:
        """Process ids still in one of the stack's process groups (none after ``stop()``)."""
        groups = {p.pid for p in self.processes.values()}
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                # fields: state, ppid, pgrp, ...; a zombie is already gone.
                if int(fields[2]) in groups and fields[0] != "Z":
                    found.append(int(entry.name))
        return found


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
