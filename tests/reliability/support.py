"""Helpers of the reliability tests: a private redis-server, the Celery app pointed at it, real
worker subprocesses, waiting, and running callables in threads at the same moment."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import redis
from celery.signals import after_task_publish, task_postrun
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent.parent
CELERY = Path(sys.executable).with_name("celery")


def wait_until(
    condition: Callable[[], Any], *, timeout: float = 20, interval: float = 0.05, what: str | Callable[[], str] = ""
) -> Any:
    """Poll ``condition`` until it returns something true; fail the test after ``timeout`` seconds
    (``what`` says what was awaited; a callable is asked at that moment, e.g. for a worker's log)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            described = what() if callable(what) else what
            raise AssertionError(f"timed out after {timeout} s waiting for {described or condition}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throw-away ``redis-server`` on a free port, without persistence: stopping it loses its data,
    like a crash would. ``start``/``stop`` may be called again (same port)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.process is None, "already running"
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)

        def answers() -> bool:
            assert self.process is not None and self.process.poll() is None, "redis-server exited at start"
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_until(answers, timeout=10, what=f"redis-server on port {self.port}")
        client.close()

    def stop(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _drop_connection_pools() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point this process's Celery app (publishing and embedded workers) at another broker."""
    previous = app.conf.broker_url
    _drop_connection_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        _drop_connection_pools()
        app.conf.broker_url = previous


class TaskLog:
    """What this process published and what embedded workers finished, by task name."""

    def __init__(self) -> None:
        self.published: Counter[str] = Counter()
        self.finished: Counter[str] = Counter()
        self.finished_args: list[tuple[str, tuple[Any, ...]]] = []
        self._lock = threading.Lock()

    def on_publish(self, sender: str | None = None, **kwargs: Any) -> None:
        with self._lock:
            self.published[str(sender)] += 1

    def on_postrun(self, sender: Any = None, args: Any = None, **kwargs: Any) -> None:
        with self._lock:
            self.finished[sender.name] += 1
            self.finished_args.append((sender.name, tuple(args or ())))

    def reset(self) -> None:
        with self._lock:
            self.published.clear()
            self.finished.clear()
            self.finished_args.clear()

    def settled(self, name: str) -> bool:
        """Every ``name`` task published so far has been run by a worker."""
        with self._lock:
            return self.finished[name] >= self.published[name]

    @contextmanager
    def recording(self) -> Iterator["TaskLog"]:
        after_task_publish.connect(self.on_publish, weak=False)
        task_postrun.connect(self.on_postrun, weak=False)
        try:
            yield self
        finally:
            after_task_publish.disconnect(self.on_publish)
            task_postrun.disconnect(self.on_postrun)


def database_url() -> str:
    """The URL of the database this test process uses (pytest-django's test database)."""
    s = connection.settings_dict
    credentials = quote(s["USER"] or "postgres") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class WorkerProcess:
    """``celery -A config worker --pool solo`` in a subprocess, on the test database and a given broker."""

    def __init__(self, name: str, *, broker_url: str, logdir: Path, env: dict[str, str]) -> None:
        self.name = name
        self.log = logdir / f"worker-{name}.log"
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CELERY_"))}
        environment.update(
            DJANGO_SETTINGS_MODULE="tests.reliability.worker_settings",
            DATABASE_URL=database_url(),
            REDIS_URL=broker_url,
            PYTHONPATH=str(ROOT),
            **env,
        )
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "config",
                    "worker",
                    "--pool",
                    "solo",
                    "--loglevel",
                    "INFO",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "--hostname",
                    f"reliability-{name}@%h",
                ],
                cwd=ROOT,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        def ready() -> bool:
            assert self.process.poll() is None, f"worker {self.name} exited:\n{self.output()}"
            return " ready." in self.output()

        wait_until(ready, timeout=timeout, interval=0.1, what=f"worker {self.name} to be ready")

    def kill_hard(self) -> None:
        """``kill -9``: no shutdown, no acknowledgement, the task dies where it stands."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill_hard()


def run_together(*jobs: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Run each job in its own thread (its own database connection), released at the same moment.

    Returns their results in order; re-raises the first exception. Each thread closes its database
    connection when done.
    """
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = job()
        except BaseException as exc:  # noqa: BLE001  (handed back to the test thread)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a concurrent job did not finish"
    if errors:
        raise errors[0]
    return results
