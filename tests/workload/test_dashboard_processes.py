"""Process views (统计, issue 11 item 3, from the ledger): comment collection per department, approval
latency per approver, coordination outcomes per department; scope, exports, fixed query count."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import WorkItemFactory
from workload import dashboards
from workload.models import WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db


def _done(person, kind, *, hours, outcome="done", **extra):
    now = timezone.now()
    return WorkItemFactory(
        assignee=person,
        kind=kind,
        status=WorkItemStatus.DONE,
        outcome=outcome,
        created_at=now - timedelta(hours=hours),
        completed_at=now,
        **extra,
    )


def _fill(units, n=1):
    for _ in range(n):
        _done(units["staff_a"], WorkItemKind.COMMENT_REQUEST, hours=2)
        _done(units["head_a"], WorkItemKind.COMMENT_REQUEST, hours=6)
        WorkItemFactory(assignee=units["staff_a"], kind=WorkItemKind.COMMENT_REQUEST)
        _done(units["head_a"], WorkItemKind.APPROVAL, hours=4)
        WorkItemFactory(assignee=units["head_a"], kind=WorkItemKind.APPROVAL)
        _done(units["head_a"], WorkItemKind.COORDINATION, hours=1, outcome="accept")
        _done(units["head_a"], WorkItemKind.COORDINATION, hours=1, outcome="decline")
        _done(units["head_a"], WorkItemKind.MEETING, hours=1, outcome="decline")  # no coordination answer


def test_the_figures(units, leader):
    _fill(units)
    period, _department = dashboards.dashboard_params({})
    view = dashboards.process_view(user=leader, period=period)
    comments = next(r for r in view["comments"] if r["id"] == units["a"].pk)
    assert (comments["asked"], comments["answered"], comments["response_rate"]) == (3, 2, round(2 / 3, 4))
    assert comments["median_response_hours"] == 4.0
    (approver,) = view["approvals"]
    assert (approver["id"], approver["decided"], approver["waiting"], approver["median_hours"]) == (
        units["head_a"].pk,
        1,
        1,
        4.0,
    )
    coordination = next(r for r in view["coordination"] if r["id"] == units["a"].pk)
    assert (coordination["accept"], coordination["decline"], coordination["reassigned_away"]) == (1, 1, 0)


def test_scope(units, client_of, leader):
    _fill(units)
    head = client_of(units["head_a"])
    response = head.get("/dashboard/processes/")
    assert response.status_code == 200
    assert [r["id"] for r in response.context["view"]["comments"]] == [units["a"].pk]
    assert head.get(f"/dashboard/processes/?department={units['b'].pk}").status_code == 404
    assert client_of(units["staff_a"]).get("/dashboard/processes/").status_code == 404


def test_exports_parse(units, client_of, leader):
    _fill(units)
    client = client_of(leader)
    for table in ("comments", "approvals", "coordination"):
        response = client.get("/dashboard/processes/", {"export": "csv", "table": table})
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) >= 2
        assert client.get("/dashboard/processes/", {"export": "xlsx", "table": table}).status_code == 200


def test_the_page_and_endpoint_cost_the_same_at_two_sizes(units, client_of, leader):
    from rest_framework.test import APIClient

    counts = []
    for size in (2, 7):
        _fill(units, size)
        client = client_of(leader)
        client.get("/dashboard/processes/")
        api = APIClient()
        api.force_authenticate(leader)
        sizes = []
        for get, url in ((client.get, "/dashboard/processes/"), (api.get, "/api/v1/dashboard/processes/")):
            with CaptureQueriesContext(connection) as queries:
                assert get(url).status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]


def test_the_api(units, leader):
    from rest_framework.test import APIClient

    _fill(units)
    api = APIClient()
    api.force_authenticate(leader)
    body = api.get("/api/v1/dashboard/processes/").json()
    assert set(body) == {"as_of", "comments", "approvals", "approval_steps", "coordination", "decisions"}
    assert body["as_of"] is None  # computed for the request: no snapshot was stored
    assert next(r for r in body["comments"] if r["id"] == units["a"].pk)["asked"] == 3
    api.force_authenticate(units["staff_a"])
    assert api.get("/api/v1/dashboard/processes/").status_code == 404
    api.force_authenticate(units["head_a"])
    assert api.get("/api/v1/dashboard/processes/", {"department": units["b"].pk}).status_code == 404
    assert api.get("/api/v1/dashboard/processes/", {"from": "x"}).status_code == 400
