"""PostgreSQL restarts under the running site (issue 12, item c): the next request succeeds.

The test makes its own PostgreSQL cluster (``initdb`` + ``pg_ctl`` on a free port, thrown away
after), migrates it, and serves the site from a separate ``gunicorn`` process with one sync worker,
so every request goes through the same process and its persistent database connection
(``CONN_MAX_AGE``). It restarts PostgreSQL (``pg_ctl restart -m fast``, which cuts that connection)
and sends the next request: thanks to ``CONN_HEALTH_CHECKS`` the dead connection is noticed and
replaced before the request uses it, so the request succeeds instead of failing with a 500, and its
write is made exactly once.

Skipped, with the reason, where PostgreSQL's server programs are not installed (a failure under
``CI=true``, as for the browser tests: CI has them). It uses no test database of its own, so it
runs in the SQLite pass as in the PostgreSQL one.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import requests
from django.db import connection

from tests.reliability.support import ROOT, PostgresCluster, WebProcess, postgres_unavailable_reason

pytestmark = [pytest.mark.slow]

DATABASE = "xietong"

# One process makes the schema and the people (each Django start-up costs seconds on a busy machine).
# The tables are made from the models (``run_syncdb`` with migrations off, like pytest-django's
# ``--nomigrations``): running all migrations takes half a minute, and this test is about
# connections, not migrations. The default reminder policies (a data migration's rows) are added.
SEED = """
import json
from django.core.management import call_command
from django.test.utils import override_settings
from knox.models import AuthToken

class NoMigrations:
    def __contains__(self, app):
        return True

    def __getitem__(self, app):
        return None

with override_settings(MIGRATION_MODULES=NoMigrations()):
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)

from tests.reliability.conftest import reseed_policies
from tests.factories import DepartmentFactory, LeaderFactory, OfficeFactory, UserFactory

reseed_policies()
department = DepartmentFactory(name="综合处", code="general")
leader = LeaderFactory(username="leader", name="王局长", department=OfficeFactory())
lead = UserFactory(username="staff", name="张文涛", department=department)
assistant = UserFactory(username="assistant", name="陈协办", department=department)
_instance, token = AuthToken.objects.create(leader)
print(json.dumps({"token": token, "lead": lead.pk, "assistant": assistant.pk}))
"""


def manage(database_url: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(DJANGO_SETTINGS_MODULE="config.test_settings", DATABASE_URL=database_url, REDIS_URL="")
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresCluster]:
    if connection.vendor != "postgresql":
        # It needs no test database, but it is about PostgreSQL: once, in make test's PostgreSQL pass.
        pytest.skip("runs in the PostgreSQL pass (DATABASE_URL=postgres://...)")
    reason = postgres_unavailable_reason()
    if reason:
        message = f"the PostgreSQL restart test makes its own cluster, and {reason}"
        if os.environ.get("CI") == "true":  # CI installs PostgreSQL's server (.ci/run): it must run there
            pytest.fail(message)
        pytest.skip(message)
    cluster = PostgresCluster()
    try:
        cluster.start()
        cluster.sql(f"create database {DATABASE}")
        cluster.sql("create extension btree_gist", DATABASE)  # what the migrations add (meetings' exclusion)
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="module")
def seeded(postgres) -> dict[str, object]:
    return json.loads(manage(postgres.url(DATABASE), "shell", "-c", SEED).strip().splitlines()[-1])


@pytest.fixture
def web(postgres, tmp_path) -> Iterator[WebProcess]:
    # Connections kept for ten minutes and checked before reuse, as in production.
    process = WebProcess(logdir=tmp_path, env={"DATABASE_URL": postgres.url(DATABASE), "CONN_MAX_AGE": "600"})
    try:
        process.wait_ready()
        yield process
    finally:
        process.stop()


def site_connections(postgres) -> set[int]:
    """Process ids of the server backends that serve the site's database."""
    rows = postgres.sql(
        "select pid from pg_stat_activity where datname = 'xietong' and backend_type = 'client backend'"
    )
    return {int(pid) for pid in rows.split()}


def test_the_next_request_after_a_postgres_restart_succeeds_and_writes_once(postgres, seeded, web):
    api = requests.Session()
    api.headers.update({"Authorization": f"Token {seeded['token']}", "Accept": "application/json"})

    def create_matter(title: str) -> requests.Response:
        body = {
            "title": title,
            "priority": "key",
            "lead": seeded["lead"],
            "assisting": [seeded["assistant"]],
            "due_on": (date.today() + timedelta(days=7)).isoformat(),  # noqa: DTZ011  (a date a week ahead)
        }
        return api.post(f"{web.url}/api/v1/matters/", json=body, timeout=30)

    # Before: a request, after which the site keeps its database connection open.
    response = api.get(f"{web.url}/api/v1/matters/", timeout=30)
    assert response.status_code == 200, web.output()
    held = site_connections(postgres)
    assert len(held) == 1, "the web process should keep one persistent connection"

    postgres.restart()
    assert held.isdisjoint(site_connections(postgres))  # that connection is gone

    # The first request after the restart is a write: it succeeds, once.
    response = create_matter("修订值班表")
    assert response.status_code == 201, f"{response.status_code} {response.text[:500]}\n{web.output()[-3000:]}"
    assert postgres.sql("select count(*) from affairs_matter where title = '修订值班表'", DATABASE) == "1"

    # And again, with a read first: the site keeps working on its new connection.
    postgres.restart()
    response = api.get(f"{web.url}/api/v1/matters/", timeout=30)
    assert response.status_code == 200, web.output()[-3000:]
    assert [m["title"] for m in response.json()["results"]] == ["修订值班表"]
    assert create_matter("整理督办台账").status_code == 201
    assert postgres.sql("select count(*) from affairs_matter", DATABASE) == "2"
