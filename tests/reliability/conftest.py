"""Reliability of reminders and e-mail (issue 3, item 6): real PostgreSQL, real Redis, real workers.

How to run (PostgreSQL and Redis on 127.0.0.1, ``redis-server`` on the PATH)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xietong REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/pytest tests/reliability -q

``make test`` runs them in its PostgreSQL + Redis pass. On SQLite, or without ``REDIS_URL`` or a
``redis-server`` binary, the tests marked ``postgres`` are skipped with the reason.

What they do, in short: data is committed (``transaction=True``) because worker threads and
processes read it through their own connections. Each test starts its own ``redis-server`` on a free
port and points Celery at it, so that it can stop Redis at will and so that other test processes
(pytest-xdist) flushing the shared ``REDIS_URL`` database never touch its queue; the Redis settings
of ``REDIS_URL`` (transport, socket timeouts, retry policy) still apply. Workers are either embedded
(``celery.contrib.testing.worker.start_worker``, a thread of the test process, sending through
Django's in-memory outbox) or real ``celery worker`` subprocesses on the same test database, which
send through ``tests.reliability.mailbox.FileBackend`` (one file per e-mail) so that they can be
killed mid-task and their e-mail counted.

Two fault tests need neither the test database's PostgreSQL nor Redis and run in every pass:
``test_full_disk.py`` (uploads onto a full or read-only file store: a 64 KiB tmpfs it mounts as
root) and ``test_postgres_restart.py`` (a private PostgreSQL cluster made with ``initdb`` on a free
port, restarted under a ``gunicorn`` process serving the site).
"""

import importlib
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.db.models.signals import post_migrate

from config.celery import app
from tests.reliability.support import RedisServer, TaskLog, WorkerProcess, broker_at


def _reseed_after_flush(sender, apps=None, **kwargs):
    """Put back the default reminder policies (a data migration's rows) after a flush.

    A ``transaction=True`` test ends by flushing every table, so the tests after it, and the next
    run on the kept (``--reuse-db``) database, would find no policies. The flush emits
    ``post_migrate``; this receiver re-runs the migration's idempotent seeding.
    """
    if sender.name != "workload":
        return
    reseed_policies(apps)


def reseed_policies(apps=None):
    """The default reminder policies, as the data migration adds them (idempotent)."""
    seed = importlib.import_module("notifications.migrations.0003_default_policies")
    # The policies moved to workload (``workload.ReminderPolicy``, same table): seed that model.
    policy = (apps or django_apps).get_model("workload", "ReminderPolicy")  # flush sends no ``apps``
    for kind, urgency, hours, head_days, office_days in seed.DEFAULTS:
        policy.objects.get_or_create(
            kind=kind,
            urgency=urgency,
            defaults={
                "remind_before_hours": hours,
                "escalate_to_head_after_days": head_days,
                "escalate_to_office_after_days": office_days,
            },
        )


post_migrate.connect(_reseed_after_flush, dispatch_uid="tests.reliability.reseed_after_flush")


@pytest.fixture(autouse=True)
def _postgres_and_redis_only(request):
    """Skip the tests marked ``postgres`` unless PostgreSQL, REDIS_URL and redis-server are there."""
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor != "postgresql":
        pytest.skip(
            "reliability tests need PostgreSQL and Redis: DATABASE_URL=postgres://postgres@127.0.0.1:5432/xietong "
            "REDIS_URL=redis://127.0.0.1:6379/15 .venv/bin/pytest tests/reliability"
        )
    if not settings.REDIS_URL:
        pytest.skip("reliability tests need the Redis broker settings: set REDIS_URL")
    if shutil.which("redis-server") is None:
        pytest.skip("reliability tests start their own redis-server, which is not on the PATH")


@pytest.fixture
def broker(redis_server) -> Iterator[RedisServer]:
    """Celery in this process publishes to (and embedded workers consume from) the private Redis."""
    with broker_at(redis_server.url):
        yield redis_server


@pytest.fixture
def task_log() -> Iterator[TaskLog]:
    with TaskLog().recording() as log:
        yield log


@pytest.fixture
def embedded_worker() -> Callable[[], AbstractContextManager[object]]:
    """``with embedded_worker(): ...`` runs a solo-pool worker in a thread of this process."""

    @contextmanager
    def run() -> Iterator[object]:
        hijack = app.conf.worker_hijack_root_logger
        app.conf.worker_hijack_root_logger = False  # leave pytest's log capture alone
        try:
            with start_worker(
                app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30
            ) as worker:
                yield worker
        finally:
            app.conf.worker_hijack_root_logger = hijack

    return run


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    directory = tmp_path / "mail"
    directory.mkdir()
    return directory


@pytest.fixture
def worker_process(broker, tmp_path, mail_dir) -> Iterator[Callable[..., WorkerProcess]]:
    """``worker_process("name", **env)`` starts a real worker subprocess and waits until it is ready."""
    started: list[WorkerProcess] = []

    def start(name: str, **env: str) -> WorkerProcess:
        worker = WorkerProcess(
            name, broker_url=broker.url, logdir=tmp_path, env={"RELIABILITY_MAIL_DIR": str(mail_dir), **env}
        )
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Callable[[str], tuple[Path, dict[str, str]]]:
    """Fresh, migrated SQLite files for tests that run the application in subprocesses.

    Migrating costs seconds; it is done once per test process into a template file, and each call
    returns a copy of it under a new name with the environment that points a subprocess at it.
    """
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent.parent
    folder = tmp_path_factory.mktemp("sqlite")
    base = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    base.update(DJANGO_SETTINGS_MODULE="config.test_settings", REDIS_URL="")

    def environment(path: Path) -> dict[str, str]:
        return {**base, "DATABASE_URL": f"sqlite:///{path}"}

    template = folder / "template.sqlite3"
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=root,
        env=environment(template),
        capture_output=True,
        text=True,
    )
    assert migrate.returncode == 0, migrate.stderr

    def fresh(name: str) -> tuple[Path, dict[str, str]]:
        path = folder / f"{name}.sqlite3"
        shutil.copyfile(template, path)
        return path, environment(path)

    return fresh
