"""Fixtures shared by the whole suite."""

import os
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from core import calendar
from notifications import visibility
from tests.factories import AdminFactory, DepartmentFactory, LeaderFactory, OfficeFactory, UserFactory


@pytest.fixture(scope="session", autouse=True)
def _own_redis_database_per_worker():
    """Under pytest-xdist with a Redis cache, each worker uses a Redis database of its own.

    ``cache.clear()`` (every test starts with it) empties the whole Redis database: two workers
    sharing one would empty each other's cache in the middle of a test, and a page that counts on
    a cached value would make an extra query now and then.
    """
    from django.conf import settings
    from django.test.utils import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    location = str(settings.CACHES["default"].get("LOCATION", ""))
    if not worker.startswith("gw") or not location.startswith(("redis://", "rediss://")):
        yield
        return
    parts = urlsplit(location)
    base = int(parts.path.lstrip("/") or 0)
    own = parts._replace(path=f"/{(base - int(worker[2:])) % 16}").geturl()
    with override_settings(CACHES={"default": {**settings.CACHES["default"], "LOCATION": own}}):
        yield


@pytest.fixture(autouse=True)
def _fresh_state():
    """Every test starts with an empty cache and calendar memo (they outlive transactions) and in
    the default language (a test that renders in English must not leave English active)."""
    cache.clear()
    calendar.clear_cache()
    translation.deactivate()
    yield
    calendar.clear_cache()
    translation.deactivate()


@pytest.fixture
def redis_server(tmp_path):
    """A private redis-server on a free port (tests/reliability/support.py), running; stopped at
    the end whatever happened."""
    from tests.reliability.support import RedisServer

    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def hidden_targets(monkeypatch):
    """A visibility rule for notification tests: targets (content type id, object id) added to the
    returned set are hidden from everyone; (user id, ref) pairs from that user only."""
    hidden: set = set()

    def checker(user, refs):
        return {ref for ref in refs if ref not in hidden and (getattr(user, "pk", None), ref) not in hidden}

    monkeypatch.setattr(visibility, "_checker", checker)
    return hidden


@pytest.fixture(autouse=True)
def _departments_as_open_targets(monkeypatch):
    """Tests point work items at departments (tests.factories.WorkItemFactory); as a target type a
    department is visible to everyone here. Real target types register their rule in their app
    (workload.targets); an unregistered type is visible to no one."""
    from django.db.models import Q

    from workload import targets

    monkeypatch.setitem(targets._rules, "accounts.department", lambda user: Q())


@pytest.fixture
def office(db):
    return OfficeFactory()


@pytest.fixture
def department(db):
    return DepartmentFactory(name="综合处", code="general", doc_prefix="综发")


@pytest.fixture
def user(department):
    return UserFactory(username="staff", name="张文涛", department=department, title="科员")


@pytest.fixture
def head(department):
    head = UserFactory(username="head", name="李处长", department=department, title="处长")
    department.head = head
    department.save()
    return head


@pytest.fixture
def office_member(office):
    return UserFactory(username="officer", name="周办事", department=office, title="秘书")


@pytest.fixture
def leader(office):
    return LeaderFactory(username="leader", name="王局长", department=office)


@pytest.fixture
def admin_user(office):
    return AdminFactory(username="admin", name="管理员", department=office)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user_api(api_client, user):
    api_client.force_authenticate(user)
    return api_client


@pytest.fixture
def client_of(client):
    """``client_of(person)``: the test client logged in as that person."""

    def login(person):
        client.force_login(person)
        return client

    return login
