"""The process views from the pre-aggregated snapshot (``workload.dashboard_snapshots``): the periodic
refresh stores the bureau's and each department's process figures of this month, which equal the live
ones; the page and the API show the snapshot's time (``as_of``); the scope stays the viewer's (a scope
no snapshot holds is computed live); served from the snapshot, the page and the API cost the same at
two data sizes; the step labels follow the request's language, not the worker's."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from accounts.models import Department
from tests.workload.test_dashboard_process_steps import _approval_items, _decisions
from tests.workload.test_dashboard_processes import _fill
from workload import dashboard_snapshots, dashboards
from workload.models import DashboardSnapshot
from workload.tasks import refresh_dashboards

pytestmark = pytest.mark.django_db


def _data(units, n=1):
    _fill(units, n)
    _approval_items(units, n)
    _decisions(units, n)


def _strip(view):
    return {key: value for key, value in view.items() if key not in ("period", "as_of")}


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_refresh_stores_the_process_views(units):
    _data(units)
    refresh_dashboards()
    period, _department = dashboards.dashboard_params({})
    keys = set(DashboardSnapshot.objects.values_list("key", flat=True))
    expected = {dashboard_snapshots.snapshot_key(dashboard_snapshots.PROCESSES, None)} | {
        dashboard_snapshots.snapshot_key(dashboard_snapshots.PROCESSES, [pk])
        for pk in Department.objects.values_list("pk", flat=True)
    }
    assert expected <= keys
    assert set(DashboardSnapshot.objects.values_list("period_start", "period_end")) == {(period.start, period.end)}


def test_snapshot_figures_equal_the_live_ones(units, leader):
    _data(units, 2)
    refresh_dashboards()
    period, _department = dashboards.dashboard_params({})
    served = dashboards.process_view(user=leader, period=period)
    assert served["as_of"] is not None
    live = dashboards.process_figures(period=period, departments=None)
    assert _strip(served) == _strip(live)
    # The figures are not empty: each process has something to show.
    assert live["approval_steps"]["by_approver"] and live["decisions"]["total"]["decided"]
    assert any(row["asked"] for row in live["comments"]) and any(row["accept"] for row in live["coordination"])
    # A department asked for by a leader, and a head's own: that department's snapshot, the live figures.
    for user, department in ((leader, units["b"].pk), (units["head_a"], None)):
        scope = [department or units["a"].pk]
        served = dashboards.process_view(user=user, period=period, department=department)
        assert served["as_of"] is not None
        assert _strip(served) == _strip(dashboards.process_figures(period=period, departments=scope))
        assert [row["id"] for row in served["comments"]] == scope


def test_the_page_and_the_api_show_the_snapshot_time(units, client_of, leader):
    _data(units)
    client = client_of(leader)
    assert 'id="dashboard-as-of"' not in client.get("/dashboard/processes/").content.decode()
    assert _api(leader).get("/api/v1/dashboard/processes/").json()["as_of"] is None
    refresh_dashboards()
    computed_at = DashboardSnapshot.objects.values_list("computed_at", flat=True).first()
    assert 'id="dashboard-as-of"' in client.get("/dashboard/processes/").content.decode()
    department = f"/api/v1/dashboard/departments/{units['a'].pk}/"
    for path in ("/api/v1/dashboard/processes/", "/api/v1/dashboard/", department):
        body = _api(leader).get(path).json()
        assert body["as_of"] is not None and parse_datetime(body["as_of"]) == computed_at
    # Stale: computed live again, without a time.
    DashboardSnapshot.objects.update(computed_at=timezone.now() - dashboard_snapshots.MAX_AGE - timedelta(minutes=1))
    assert 'id="dashboard-as-of"' not in client.get("/dashboard/processes/").content.decode()
    assert _api(leader).get("/api/v1/dashboard/processes/").json()["as_of"] is None
    # Another period: live.
    refresh_dashboards()
    other = {"from": "2025-01-01", "to": "2025-01-31"}
    assert _api(leader).get("/api/v1/dashboard/processes/", other).json()["as_of"] is None


def test_the_scope_stays_the_viewers(units, client_of, leader):
    _data(units)
    refresh_dashboards()
    period, _department = dashboards.dashboard_params({})
    # Refusals are the same with a snapshot stored.
    assert client_of(units["staff_a"]).get("/dashboard/processes/").status_code == 404
    assert _api(units["staff_a"]).get("/api/v1/dashboard/processes/").status_code == 404
    assert _api(units["head_a"]).get("/api/v1/dashboard/processes/", {"department": units["b"].pk}).status_code == 404
    # A head sees the own department's snapshot, not the bureau's.
    body = _api(units["head_a"]).get("/api/v1/dashboard/processes/").json()
    assert body["as_of"] is not None
    assert [row["id"] for row in body["comments"]] == [units["a"].pk]
    assert {row["id"] for row in body["decisions"]["by_department"]} == {units["a"].pk}
    assert body["decisions"]["without_matter"] == 0  # only whole-bureau viewers learn of those
    assert _api(leader).get("/api/v1/dashboard/processes/").json()["decisions"]["without_matter"] > 0
    # The head of two departments: no snapshot holds that scope, so the figures are computed live.
    units["b"].head = units["head_a"]
    units["b"].save()
    head = type(units["head_a"]).objects.get(pk=units["head_a"].pk)  # roles read afresh
    served = dashboards.process_view(user=head, period=period)
    assert "as_of" not in served
    assert {row["id"] for row in served["comments"]} == {units["a"].pk, units["b"].pk}


def test_the_step_labels_follow_the_request_language(units, leader):
    _approval_items(units)
    with translation.override("en"):
        refresh_dashboards()
    period, _department = dashboards.dashboard_params({})
    with translation.override("zh-hans"):
        served = dashboards.process_view(user=leader, period=period)
        live = dashboards.process_figures(period=period, departments=None)
    assert served["as_of"] is not None
    assert served["approval_steps"] == live["approval_steps"]


def test_snapshot_pages_cost_the_same_at_two_sizes(units, client_of, leader):
    counts = []
    client = client_of(leader)
    for size in (1, 4):
        _data(units, size)
        refresh_dashboards()
        sizes = []
        for get, path in (
            (client.get, "/dashboard/processes/"),
            (_api(leader).get, "/api/v1/dashboard/processes/"),
            (_api(units["head_a"]).get, "/api/v1/dashboard/processes/"),
        ):
            get(path)
            with CaptureQueriesContext(connection) as queries:
                response = get(path)
            assert response.status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]
    # One read of the snapshot instead of the six grouped queries and the follow-through.
    live_counts = []
    DashboardSnapshot.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        _api(leader).get("/api/v1/dashboard/processes/")
    live_counts.append(len(queries))
    assert counts[0][1] < live_counts[0]


def test_the_organization_and_department_labels_follow_the_request_language(units, leader):
    _fill(units)
    with translation.override("en"):
        refresh_dashboards()
    period, _department = dashboards.dashboard_params({})
    with translation.override("zh-hans"):
        served = dashboards.organization_view(user=leader, period=period)
        live = dashboards.organization_figures(period=period, departments=None)
        served_a = dashboards.department_view(user=leader, department=units["a"], period=period)
        live_a = dashboards.department_figures(department=units["a"], period=period)
    assert served["as_of"] is not None and served_a["as_of"] is not None
    assert served["kinds"] == live["kinds"]
    assert served_a["priorities"] == live_a["priorities"]
