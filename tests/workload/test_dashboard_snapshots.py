"""Pre-aggregated dashboards (``workload.dashboard_snapshots``): the periodic refresh stores the
current month's figures, which equal the live ones; a fresh snapshot serves its period (with its time
on the page), a stale one or another period is computed live; masking and scope stay the viewer's;
a snapshot-served page costs the same at two data sizes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Department
from config.celery import app
from tests.factories import UserFactory, WorkItemFactory
from workload import dashboard_snapshots, dashboards, targets
from workload.models import DashboardSnapshot, WorkItemKind, WorkItemStatus
from workload.targets import masked_title
from workload.tasks import refresh_dashboards

pytestmark = pytest.mark.django_db


def _fill(units, n):
    now = timezone.now()
    for i in range(n):
        for person in (units["head_a"], units["staff_a"], UserFactory(department=units["b"])):
            WorkItemFactory(assignee=person, due_at=now - timedelta(days=1 + i), kind=WorkItemKind.MATTER)
            WorkItemFactory(
                assignee=person,
                status=WorkItemStatus.DONE,
                completed_at=now - timedelta(minutes=2),
                created_at=now - timedelta(minutes=30 + i),
                kind=WorkItemKind.APPROVAL,
            )


def _strip(view):
    return {key: value for key, value in view.items() if key not in ("period", "as_of", "department")}


def test_the_refresh_is_scheduled():
    assert app.conf.beat_schedule["refresh-dashboards"]["task"] == "workload.tasks.refresh_dashboards"


def test_pre_aggregated_figures_equal_the_live_ones(units, leader):
    _fill(units, 3)
    stored = refresh_dashboards()
    # The bureau's organization and process views, and three views per department.
    assert stored == 2 + 3 * Department.objects.count()
    period, _department = dashboards.dashboard_params({})
    live = dashboards.organization_figures(period=period, departments=None)
    served = dashboards.organization_view(user=leader, period=period)
    assert served["as_of"] is not None
    assert _strip(served) == _strip(dashboard_snapshots._decode(dashboard_snapshots._encode(live)))
    assert served["departments"] == live["departments"] and served["people"] == live["people"]
    assert served["heat_map"] == live["heat_map"] and served["kinds"] == live["kinds"]
    live_a = dashboards.department_figures(department=units["a"], period=period)
    served_a = dashboards.department_view(user=leader, department=units["a"], period=period)
    assert served_a["as_of"] is not None
    assert served_a["people"] == live_a["people"] and served_a["priorities"] == live_a["priorities"]
    assert served_a["oldest_overdue"] == live_a["oldest_overdue"]
    head = dashboards.organization_view(user=units["head_a"], period=period)
    assert head["as_of"] is not None and [row["id"] for row in head["departments"]] == [units["a"].pk]


def test_a_stale_snapshot_or_another_period_is_computed_live(units, leader):
    _fill(units, 1)
    refresh_dashboards()
    period, _department = dashboards.dashboard_params({})
    DashboardSnapshot.objects.update(computed_at=timezone.now() - dashboard_snapshots.MAX_AGE - timedelta(minutes=1))
    assert "as_of" not in dashboards.organization_view(user=leader, period=period)
    refresh_dashboards()
    assert "as_of" in dashboards.organization_view(user=leader, period=period)
    other, _department = dashboards.dashboard_params({"from": "2025-01-01", "to": "2025-01-31"})
    assert "as_of" not in dashboards.organization_view(user=leader, period=other)


def test_the_page_shows_the_snapshot_time_and_still_masks(units, client_of, leader, monkeypatch):
    WorkItemFactory(
        assignee=units["staff_a"],
        title="绝密工作甲",
        classification="secret",
        target=units["b"],
        due_at=timezone.now() - timedelta(days=3),
    )
    monkeypatch.setitem(targets._rules, "accounts.department", lambda user: Q(pk=units["a"].pk))
    refresh_dashboards()
    client = client_of(leader)
    assert 'id="dashboard-as-of"' in client.get("/dashboard/").content.decode()
    body = client.get(f"/dashboard/department/{units['a'].pk}/").content.decode()
    assert 'id="dashboard-as-of"' in body
    assert "绝密工作甲" not in body and masked_title("secret") in body
    # The scope is still the viewer's: another department is a 404 for the head.
    assert client_of(units["head_a"]).get(f"/dashboard/department/{units['b'].pk}/").status_code == 404
    assert client_of(units["staff_a"]).get("/dashboard/").status_code == 404


def test_snapshot_pages_cost_the_same_at_two_sizes(units, client_of, leader):
    counts = []
    client = client_of(leader)
    for size in (2, 7):
        _fill(units, size)
        refresh_dashboards()
        sizes = []
        for path in ("/dashboard/", f"/dashboard/department/{units['a'].pk}/", "/api/v1/dashboard/"):
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]
