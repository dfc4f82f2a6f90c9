"""Smoke test of the production-like run (`make prod`, deploy/Procfile): gunicorn, two Celery
workers and beat as real processes on PostgreSQL and Redis with DEBUG off, driven over real HTTP.

A person logs in through the login page (CSRF token and all), drafts a document and submits it
through the API, urges (催办) the approver, whose reminder e-mail the real worker sends, and the
chain approves it. Then everything is stopped and no process may be left behind.

It runs in the PostgreSQL + Redis pass (marked ``postgres``) and is skipped on SQLite. Speed: the
database is a copy of the already-migrated test database (``CREATE DATABASE ... TEMPLATE``), Redis a
private ``redis-server`` (tests/reliability/support.py), and static files are collected while the
workers start.
"""

import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from psycopg import sql

from accounts.models import User
from benchmarks.prodstack import ROOT, Stack, free_port, production_env
from tests.factories import DepartmentFactory, LeaderFactory, OfficeFactory, UserFactory
from tests.reliability.support import database_url

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "smoke-Test-pass-2026"


@pytest.fixture(autouse=True)
def _postgres_and_redis_only():
    if connection.vendor != "postgresql":
        pytest.skip("the production-like smoke test needs PostgreSQL (DATABASE_URL=postgres://...) and Redis")
    if not settings.REDIS_URL:
        pytest.skip("the production-like smoke test needs Redis: set REDIS_URL")
    if shutil.which("redis-server") is None:
        pytest.skip("the production-like smoke test starts its own redis-server, which is not on the PATH")


@dataclass
class People:
    drafter: User
    head: User
    office_head: User
    leader: User


@pytest.fixture
def people() -> People:
    office = OfficeFactory()
    general = DepartmentFactory(name="综合处", code="general", doc_prefix="综发")
    drafter = UserFactory(username="drafter", name="张文涛", department=general, title="科员")
    head = UserFactory(username="head", name="李处长", department=general, title="处长")
    office_head = UserFactory(username="officehead", name="陈主任", department=office, title="主任")
    leader = LeaderFactory(username="leader", name="王局长", department=office)
    general.head, office.head = head, office_head
    general.save()
    office.save()
    # The test settings hash with MD5, which production does not accept: store production's hash.
    hasher = PBKDF2PasswordHasher()
    User.objects.filter(pk__in=[drafter.pk, head.pk, office_head.pk, leader.pk]).update(
        password=hasher.encode(PASSWORD, hasher.salt())
    )
    return People(drafter, head, office_head, leader)


def _admin(url: str) -> psycopg.Connection:
    server = re.sub(r"^postgres://", "postgresql://", url.rsplit("/", 1)[0])
    return psycopg.connect(server + "/postgres", autocommit=True)


@pytest.fixture
def smoke_database(people) -> Iterator[str]:
    """A database of its own: a copy of the (migrated) test database with the people above."""
    source = connection.settings_dict["NAME"]
    name = f"{source}_smoke"[:63]
    url = database_url()
    connection.close()  # a template must have no other session
    with _admin(url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(source)))
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with _admin(url) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@dataclass
class Running:
    base: str
    stack: Stack
    mail_dir: Path


@pytest.fixture
def running(smoke_database, redis_server, tmp_path) -> Iterator[Running]:
    port = free_port()
    mail_dir = tmp_path / "mail"
    env = production_env(
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=smoke_database,
        REDIS_URL=redis_server.url,
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        EMAIL_URL=f"filemail:///{mail_dir}",
        CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "celerybeat-schedule"),
        CELERY_CONCURRENCY="2",
    )
    stack = Stack(env, tmp_path / "logs")
    try:
        # Static files are collected (whitenoise serves what is in STATIC_ROOT at start) while the
        # workers and beat start; gunicorn starts after.
        collect = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        stack.start("worker1", "worker2", "beat")
        output, _ = collect.communicate(timeout=120)
        assert collect.returncode == 0, output.decode(errors="replace")
        stack.start("web")
        base = f"http://127.0.0.1:{port}"
        stack.wait_http(f"{base}/healthz", timeout=60)
        stack.wait_workers_ready(timeout=60)
        yield Running(base, stack, mail_dir)
    finally:
        stack.stop()
        assert stack.leftovers() == [], "processes left after stopping the production-like run"


def log_in(base: str, username: str) -> requests.Session:
    """Log in through the login page, as a browser does: its CSRF token, then the form."""
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text[:500]
    assert "/accounts/login/" not in answer.url, "the login was refused"
    # Session-authenticated API calls that write send the CSRF token in a header.
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


def test_production_like_run_serves_approves_and_delivers_reminders(running, people):
    base = running.base
    health = requests.get(f"{base}/healthz", timeout=10).json()
    assert health["checks"] == {"database": True, "broker": True}

    # DEBUG is off: an unknown page is a plain 404, and static files come from whitenoise (hashed names).
    assert requests.get(f"{base}/no-such-page/", timeout=10).status_code in (302, 404)
    login_page = requests.get(f"{base}/accounts/login/", timeout=10).text
    css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', login_page)
    assert css, "static URLs are not the manifest's hashed names"
    static = requests.get(base + css.group(1), timeout=10)
    assert static.status_code == 200
    assert "max-age=315360000" in static.headers["Cache-Control"]

    drafter = log_in(base, "drafter")
    desk = drafter.get(f"{base}/", timeout=10)
    assert desk.status_code == 200
    created = drafter.post(
        f"{base}/api/v1/documents/",
        json={"title": "关于冒烟测试的通知", "doc_type": "notice", "body": "请各处室知悉。"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    document = created.json()["id"]
    submit = f"{base}/api/v1/documents/{document}/submit/"
    submitted = drafter.post(submit, json={"signer": people.leader.pk}, timeout=10)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "awaiting_approval"

    # 催办: the drafter urges the department head's approval; the worker sends the e-mail.
    assigned = drafter.get(f"{base}/api/v1/work-items/", params={"scope": "assigned", "status": "open"}, timeout=10)
    (item,) = [i for i in assigned.json()["results"] if i["target"]["type"] == "approval"]
    urged = drafter.post(f"{base}/api/v1/work-items/{item['id']}/urge/", json={"message": "请尽快核稿"}, timeout=10)
    assert urged.status_code == 200, urged.text

    for approver in ("head", "officehead", "leader"):
        session = log_in(base, approver)
        (approval,) = session.get(f"{base}/api/v1/approvals/", params={"status": "pending"}, timeout=10).json()[
            "results"
        ]
        decided = session.post(
            f"{base}/api/v1/approvals/{approval['id']}/decide/",
            json={"decision": "approve", "opinion": "同意"},
            timeout=10,
        )
        assert decided.status_code == 200, decided.text
    assert drafter.get(f"{base}/api/v1/documents/{document}/", timeout=10).json()["status"] == "approved"

    head = log_in(base, "head")
    urges = [n for n in head.get(f"{base}/api/v1/notifications/", timeout=10).json()["results"] if n["kind"] == "urge"]
    assert len(urges) == 1

    def urge_mail() -> list[str]:
        files = running.mail_dir.glob("*.log") if running.mail_dir.exists() else []
        return [text for f in files if people.head.email in (text := f.read_text(errors="replace"))]

    deadline = time.monotonic() + 20
    while not urge_mail():
        assert time.monotonic() < deadline, "no reminder e-mail from the worker:\n" + running.stack.tail()
        time.sleep(0.2)
    sent_by = [n for n in ("worker1", "worker2") if "deliver_email" in running.stack.output(n)]
    assert sent_by, "the e-mail was not sent by a Celery worker"
