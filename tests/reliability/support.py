"""Helpers of the reliability tests: a private redis-server, the Celery app pointed at it, real
worker subprocesses, waiting, and running callables in threads at the same moment."""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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


def postgres_bindir() -> Path | None:
    """The folder of PostgreSQL's server programs (``initdb``, ``pg_ctl``), or None."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.insert(0, Path(found).resolve().parent)
    wanted = ("initdb", "pg_ctl", "psql")
    return next((c for c in candidates if all((c / name).exists() for name in wanted)), None)


def postgres_unavailable_reason() -> str | None:
    """Why a private PostgreSQL cluster cannot be made here, or None when it can."""
    if postgres_bindir() is None:
        return "initdb, pg_ctl and psql (PostgreSQL's server programs) are not installed"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "running as root, initdb needs runuser to run as the postgres user"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, initdb needs a postgres user to run as"
    return None


class PostgresCluster:
    """A throw-away PostgreSQL cluster (``initdb`` + ``pg_ctl``) on a free port, in a temporary folder.

    As root the server programs run as the ``postgres`` user (initdb refuses root), in a folder that
    user owns. Trust authentication on 127.0.0.1 only; no fsync (its data is thrown away).
    """

    def __init__(self) -> None:
        bindir = postgres_bindir()
        assert bindir is not None, postgres_unavailable_reason()
        self.bindir = bindir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="xt-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, program: str, *args: str, timeout: float = 60) -> str:
        command = [str(self.bindir / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, cwd=self.dir)
        if done.returncode != 0:
            raise AssertionError(
                f"{program} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{self.output()}"
            )
        return done.stdout

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def start(self) -> None:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every client's connection is cut, the data stays."""
        # The log file again: without it the new server would hold psql's output pipe open.
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "restart")

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run one statement with psql; its unaligned, tuples-only output."""
        return self._run(
            "psql", "-X", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-Atc", statement
        ).strip()

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


class WebProcess:
    """The site served by ``gunicorn`` (one sync worker: every request on the same process and
    database connection) in a subprocess, with the test settings and the given environment."""

    def __init__(self, *, logdir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.log = logdir / "web.log"
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "CELERY_"))}
        environment.update(DJANGO_SETTINGS_MODULE="config.test_settings", PYTHONPATH=str(ROOT), **env)
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            *("--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--worker-class", "sync", "--timeout", "30"),
        ]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self) -> None:
        def answers() -> bool:
            assert self.process.poll() is None, f"the web process exited at start:\n{self.output()}"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_until(answers, timeout=30, what=lambda: f"the web process to listen; its log:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # gunicorn: quick shutdown (nothing is in flight)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
