"""schemathesis over the whole API (issue 7, item 5): the schema is loaded from ``/api/schema/`` with
a token, as a client would, and every operation is called with generated (and deliberately wrong)
bodies, path ids, query parameters and cursors on seeded data, as that token's person. No answer may
be a 5xx, and every answer must match the schema: its status code, content type and body.

Bounded so that it runs in both passes of ``make test``: a few examples per operation, no deadline.
Each pass draws its own examples, reproducibly: the seed is the database's vendor and the operation,
so SQLite and PostgreSQL together try twice as many inputs as either alone.
"""

import copy
import os
import zlib
from datetime import timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from accounts import services as accounts_services
from affairs import services as affairs_services
from tests.factories import NotificationFactory, UserFactory, WorkItemFactory
from tests.test_schema import api_routes

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6"))  # per operation and pass: about 150 operations
# Valid input (per the schema) and deliberately invalid input (wrong types, junk ids, bad cursors).
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """Django's own WSGI application, inside the test's transaction: the per-request connection
    clean-up would close that transaction's connection, so it is paused meanwhile."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(leader, user, head, office_member, department):
    """A small bureau: matters, a reception, a plan, work items and notifications."""
    assistant = UserFactory(username="assistant", name="陈协办", department=department)
    due = timezone.localdate() + timedelta(days=7)
    matter = affairs_services.matter_create(
        actor=leader, title="完善应急值班制度", priority="key", lead=user, assisting=[assistant], due_on=due
    )
    affairs_services.matter_create(actor=leader, title="筹备年终总结会", priority="routine", lead=leader, due_on=due)
    start = timezone.now() + timedelta(days=3)
    affairs_services.reception_create(
        actor=office_member,
        visiting_org="兄弟单位考察团",
        purpose="交流协同办公经验",
        arrival=start,
        departure=start + timedelta(hours=8),
        visitors=[("钱主任", "主任")],
        visitor_count=4,
        host_leader=leader,
        arrangements=[],
    )
    for _ in range(3):
        WorkItemFactory(assignee=leader)
        NotificationFactory(recipient=leader)
    return {"matter": matter}


@pytest.fixture
def token(seeded, leader):
    return accounts_services.api_token_issue(user=leader)


_SCHEMA_DOCUMENT: dict = {}


@pytest.fixture
def api_schema(wsgi_app, token):
    """The schema as a token client loads it from ``/api/schema/``.

    Generating the document takes seconds and it does not depend on the data, so the first test in
    each process loads it over the endpoint and the others rebuild the schema from that document.
    """
    if not _SCHEMA_DOCUMENT:
        loaded = schemathesis.openapi.from_wsgi(
            "/api/schema/", wsgi_app, headers={"Authorization": f"Token {token}", "Accept": "application/json"}
        )
        _SCHEMA_DOCUMENT.update(copy.deepcopy(loaded.raw_schema))
        return loaded
    loaded = schemathesis.openapi.from_dict(copy.deepcopy(_SCHEMA_DOCUMENT))
    loaded.app = wsgi_app
    loaded.location = "/api/schema/"
    return loaded


# One test per path (so that the two workers share them); the operations come from the loaded schema.
PATHS = sorted({path for path, _ in api_routes()})


@pytest.mark.parametrize("path", PATHS)
def test_api_answers_every_input_as_its_schema_says(api_schema, token, path):
    operations = [result.ok() for result in api_schema.get_all_operations() if result.ok().path == path]
    assert operations, f"{path} is not in the schema"
    for operation in operations:

        @seed(zlib.crc32(f"{connection.vendor} {operation.label}".encode()))
        @given(case=st.one_of([operation.as_strategy(generation_mode=mode) for mode in MODES]))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

        call()
