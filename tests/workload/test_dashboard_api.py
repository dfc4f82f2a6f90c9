"""``GET /api/v1/dashboard/`` (API.md) and ``GET /api/v1/dashboard/departments/{id}/``: the contract's
shape, each role's scope (404 beyond it), 400 naming the field, masking, and fixed query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import UserFactory, WorkItemFactory
from workload import targets
from workload.models import WorkItemStatus
from workload.targets import masked_title

pytestmark = pytest.mark.django_db


def _api(person):
    api = APIClient()
    api.force_authenticate(person)
    return api


def _fill(units, n):
    now = timezone.now()
    for _ in range(n):
        for person in (units["head_a"], UserFactory(department=units["b"])):
            WorkItemFactory(assignee=person, due_at=now - timedelta(hours=2))
            WorkItemFactory(
                assignee=person, status=WorkItemStatus.DONE, completed_at=now, created_at=now - timedelta(hours=10)
            )


def test_the_contracts_shape(units, leader):
    _fill(units, 1)
    body = _api(leader).get("/api/v1/dashboard/").json()
    assert set(body) >= {"departments", "people", "kinds", "buck_passing"}
    row = next(r for r in body["departments"] if r["id"] == units["a"].pk)
    assert {"id", "name", "open", "overdue", "done", "on_time_rate", "median_turnaround_hours"} <= set(row)
    assert (row["name"], row["open"], row["overdue"], row["done"]) == ("甲处", 1, 1, 1)
    assert row["median_turnaround_hours"] == 10.0 and row["on_time_rate"] == 1.0
    assert {"department", "name", "passes"} == set(body["buck_passing"][0])
    assert any(r["id"] == units["head_a"].pk and r["open"] == 1 for r in body["people"])


def test_scope(units, leader, office_member, admin_user):
    _fill(units, 1)
    for person in (leader, office_member, admin_user):
        ids = {r["id"] for r in _api(person).get("/api/v1/dashboard/").json()["departments"]}
        assert {units["a"].pk, units["b"].pk} <= ids
    head = _api(units["head_a"])
    assert [r["id"] for r in head.get("/api/v1/dashboard/").json()["departments"]] == [units["a"].pk]
    assert head.get("/api/v1/dashboard/", {"department": units["b"].pk}).status_code == 404
    assert head.get(f"/api/v1/dashboard/departments/{units['b'].pk}/").status_code == 404
    assert head.get(f"/api/v1/dashboard/departments/{units['a'].pk}/").status_code == 200
    staff = _api(units["staff_a"])
    assert staff.get("/api/v1/dashboard/").status_code == 404
    assert staff.get(f"/api/v1/dashboard/departments/{units['a'].pk}/").status_code == 404
    assert APIClient().get("/api/v1/dashboard/").status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-11-10", "to": "2026-11-01"}, "to"),
        ({"department": "x"}, "department"),
    ],
)
def test_bad_input_names_the_field(units, leader, query, field):
    response = _api(leader).get("/api/v1/dashboard/", query)
    assert response.status_code == 400
    assert field in response.json()["fields"]


@pytest.mark.parametrize("pk", ["abc", "0", "99999999999999999999999"])
def test_bad_department_id_is_404(leader, pk):
    assert _api(leader).get(f"/api/v1/dashboard/departments/{pk}/").status_code == 404


def test_department_view_masks_what_the_viewer_may_not_see(units, leader, monkeypatch):
    now = timezone.now()
    WorkItemFactory(
        assignee=units["staff_a"],
        title="绝密工作甲",
        classification="secret",
        target=units["b"],
        due_at=now - timedelta(days=2),
    )
    WorkItemFactory(assignee=units["staff_a"], title="公开工作乙", target=units["a"], due_at=now - timedelta(days=1))
    monkeypatch.setitem(targets._rules, "accounts.department", lambda user: Q(pk=units["a"].pk))
    body = _api(leader).get(f"/api/v1/dashboard/departments/{units['a'].pk}/").json()
    assert [r["title"] for r in body["oldest_overdue"]] == [masked_title("secret"), "公开工作乙"]
    assert {r["priority"] for r in body["priorities"]} == {"key", "secondary", "routine"}


def test_endpoints_cost_the_same_at_two_sizes(units, leader):
    urls = ("/api/v1/dashboard/", f"/api/v1/dashboard/departments/{units['a'].pk}/")
    for url in urls:  # once before counting: the process's own caches (content types) filled
        _api(leader).get(url)
    counts = []
    for size in (2, 7):
        _fill(units, size)
        api = _api(leader)
        sizes = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1], counts
