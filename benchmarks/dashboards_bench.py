"""The dashboards' benchmark (issue 11): the organization view (page and ``GET /api/v1/dashboard/``)
and the process views (page and ``GET /api/v1/dashboard/processes/``) for a leader and one
department's page for its head, over the 30 days before the generation moment (live); the same pages
for the default period (this month) from the pre-aggregated snapshot the refresh just stored;
and the server time of the ORM aggregates beside the database time of the same aggregates written
by hand in SQL below (raw SQL lives in the benchmark only: the application reads through the ORM).

``dashboard_plan`` gives the pages for ``run.time_all``; ``measure_aggregates`` times the aggregates.
"""

import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from benchmarks.results import Result, at_most, figure, not_measured

# Issue 11 item 8: the organization and department views' median at L ≤ 300 ms computed live, or
# ≤ 50 ms from the pre-aggregated snapshot; the aggregates' server time within 2 × the raw SQL's.
TARGET_LIVE_MS_AT_L = 300.0
TARGET_PRE_MS_AT_L = 50.0
TARGET_SERVER_OVER_SQL = 2.0
# The pages (keys of benchmarks/run.py's table): live over the benchmark's period, and the default
# period's from the snapshot (this month, refreshed just before).
DASHBOARD_KEYS = [
    "dashboard",
    "dashboard_api",
    "dashboard_department",
    "dashboard_department_api",
    "dashboard_processes",
    "dashboard_processes_api",
]
DASHBOARD_PRE_KEYS = [
    "dashboard_pre",
    "dashboard_api_pre",
    "dashboard_department_pre",
    "dashboard_processes_pre",
    "dashboard_processes_api_pre",
]

# The per-department figures of ``workload.dashboards._grouped(..., ["department"])``, by hand.
# Parameters: now (overdue), then the period's start and end five times, in the order of the columns.
DEPARTMENT_SQL = """
SELECT department_id,
       SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open_n,
       SUM(CASE WHEN status = 'open' AND due_at < %s THEN 1 ELSE 0 END) AS overdue_n,
       SUM(CASE WHEN status = 'done' AND completed_at >= %s AND completed_at < %s THEN 1 ELSE 0 END) AS done_n,
       SUM(CASE WHEN status = 'done' AND completed_at >= %s AND completed_at < %s
                 AND due_at IS NOT NULL AND completed_at > due_at THEN 1 ELSE 0 END) AS late_n,
       SUM(CASE WHEN status = 'done' AND completed_at >= %s AND completed_at < %s
                 AND due_at IS NOT NULL THEN 1 ELSE 0 END) AS done_with_due_n,
       SUM(CASE WHEN (status = 'open' OR (status = 'done' AND completed_at >= %s AND completed_at < %s))
                 AND escalation_level >= 1 THEN 1 ELSE 0 END) AS escalated_n,
       SUM(CASE WHEN kind = 'coordination' AND outcome IN ('decline', 'reassigned_away')
                 AND completed_at >= %s AND completed_at < %s THEN 1 ELSE 0 END) AS passes_n
FROM workload_workitem
WHERE department_id IS NOT NULL {scope}
  AND (status = 'open' OR (completed_at >= %s AND completed_at < %s))
GROUP BY department_id{person}
"""
# The period's done items' turnarounds (the medians are computed in Python, as the view does).
DURATIONS_SQL = """
SELECT department_id, kind, created_at, completed_at
FROM workload_workitem
WHERE department_id IS NOT NULL {scope} AND status = 'done' AND completed_at >= %s AND completed_at < %s
"""


def period_bounds(moment: datetime) -> tuple[str, str]:
    """The benchmark's period: the 30 days up to the generation moment (``from``, ``to``)."""
    end = moment.date()
    return (end - timedelta(days=29)).isoformat(), end.isoformat()


def dashboard_plan(moment: datetime, leader: Any, client_of: Any) -> tuple[list[tuple[str, Any, str]], Any]:
    """The dashboard pages to time (key, client, path), and the department measured (the largest)."""
    from django.db.models import Count

    from accounts.models import Department
    from benchmarks.generate import DEPARTMENT_PREFIX
    from workload.models import WorkItem

    department_id = (
        WorkItem.objects.filter(department__code__startswith=DEPARTMENT_PREFIX)
        .values("department")
        .annotate(n=Count("id"))
        .order_by("-n", "department")
        .values_list("department", flat=True)
        .first()
    )
    department = Department.objects.select_related("head").get(pk=department_id)
    if department.head is None:
        raise SystemExit("the largest generated department has no head")
    start, end = period_bounds(moment)
    query = urlencode({"from": start, "to": end})
    as_leader, as_head = client_of(leader), client_of(department.head)
    plan = [
        ("dashboard", as_leader, f"/dashboard/?{query}"),
        ("dashboard_api", as_leader, f"/api/v1/dashboard/?{query}"),
        ("dashboard_department", as_head, f"/dashboard/department/{department.pk}/?{query}"),
        ("dashboard_department_api", as_head, f"/api/v1/dashboard/departments/{department.pk}/?{query}"),
        ("dashboard_processes", as_leader, f"/dashboard/processes/?{query}"),
        ("dashboard_processes_api", as_leader, f"/api/v1/dashboard/processes/?{query}"),
    ]
    return plan, department


def pre_aggregated_plan(live: list[tuple[str, Any, str]], department: Any) -> list[tuple[str, Any, str]]:
    """The default period's pages (this month, served from the snapshot the refresh just stored)."""
    clients = {key: client for key, client, _path in live}
    return [
        ("dashboard_pre", clients["dashboard"], "/dashboard/"),
        ("dashboard_api_pre", clients["dashboard_api"], "/api/v1/dashboard/"),
        ("dashboard_department_pre", clients["dashboard_department"], f"/dashboard/department/{department.pk}/"),
        ("dashboard_processes_pre", clients["dashboard_processes"], "/dashboard/processes/"),
        ("dashboard_processes_api_pre", clients["dashboard_processes_api"], "/api/v1/dashboard/processes/"),
    ]


def check_pre_aggregated(pages: list[tuple[str, Any, str]]) -> None:
    """Each pre-aggregated page is served from the snapshot (the API says when it was computed): a
    page that fell back to the live figures would time something else."""
    for key, client, path in pages:
        if "/api/" in path and not client.get(path).json().get("as_of"):
            raise SystemExit(f"{key}: not served from the snapshot")


def _median_ms(function: Any, runs: int) -> float:
    function()  # warm-up
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        function()
        timings.append((time.perf_counter() - t0) * 1000)
    return statistics.median(timings)


def _sql_moment(vendor: str, moment: datetime) -> Any:
    """A moment as the hand-written SQL's parameter: PostgreSQL's driver takes an aware datetime;
    SQLite stores UTC as text without an offset (Django's format with USE_TZ), so compare with that."""
    if vendor == "sqlite":
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return moment


def measure_aggregates(moment: datetime, department: Any, runs: int) -> dict[str, Any]:
    """Server time of the ORM aggregates (evaluated, rows built) against the hand-written SQL's time
    through a cursor, for the whole organization and for one department (per person)."""
    from django.db import connection

    from workload import dashboards

    start, end = period_bounds(moment)
    period, _department = dashboards.dashboard_params({"from": start, "to": end})
    now, begin, finish = (
        _sql_moment(connection.vendor, moment) for moment in (period.now, period.start_at, period.end_at)
    )

    def orm(departments: list[int] | None, group: list[str]) -> Any:
        qs = dashboards._items(departments)
        counts = list(dashboards._grouped(qs, period, group))
        durations = list(
            qs.filter(dashboards._conditions(period)["done"]).values_list(
                "department", "kind", "created_at", "completed_at"
            )
        )
        return counts, durations

    def raw(scope: str, scope_params: list[Any], person: bool) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(
                DEPARTMENT_SQL.format(scope=scope, person=", assignee_id" if person else ""),
                [now, *([begin, finish] * 5), *scope_params, begin, finish],
            )
            counts = cursor.fetchall()
            cursor.execute(DURATIONS_SQL.format(scope=scope), [*scope_params, begin, finish])
            durations = cursor.fetchall()
        return counts, durations

    scope = "AND department_id = %s"
    org_orm, org_raw = orm(None, ["department"]), raw("", [], False)
    dept_orm = orm([department.pk], ["assignee_id", "department_id"])
    dept_raw = raw(scope, [department.pk], True)
    # The same aggregates: the hand-written SQL counts what the ORM counts.
    if sorted(r["done"] for r in org_orm[0]) != sorted(r[3] for r in org_raw[0]) or len(org_orm[1]) != len(org_raw[1]):
        raise SystemExit("the hand-written dashboard SQL does not count what the ORM counts")
    if sorted(r["open"] for r in dept_orm[0]) != sorted(r[1] for r in dept_raw[0]):
        raise SystemExit("the hand-written department SQL does not count what the ORM counts")
    return {
        "org_orm_ms": _median_ms(lambda: orm(None, ["department"]), runs),
        "org_sql_ms": _median_ms(lambda: raw("", [], False), runs),
        "dept_orm_ms": _median_ms(lambda: orm([department.pk], ["assignee_id", "department_id"]), runs),
        "dept_sql_ms": _median_ms(lambda: raw(scope, [department.pk], True), runs),
        "department": department.name,
        "period": f"{start}..{end}",
    }


def dashboard_results(results: list[dict[str, Any]], labels: dict[str, str]) -> list[Result]:
    """The dashboards' rows of ``make bench``'s table, from each size's measurements.

    The pages' medians are held to their targets at L (a row "not measured" when L was not run);
    the aggregates' ORM time to 2 × the hand-written SQL's at every size."""
    rows: list[Result] = []
    sizes = {r["size"] for r in results}
    for keys, limit, how in (
        (DASHBOARD_KEYS, TARGET_LIVE_MS_AT_L, "live"),
        (DASHBOARD_PRE_KEYS, TARGET_PRE_MS_AT_L, "snapshot"),
    ):
        for key in keys:
            name = f"{labels[key]}: median ({how})"
            for r in results:
                ms = r["endpoints"][key]["median_ms"]
                if r["size"] == "L":
                    rows.append(at_most("L", name, ms, "ms", limit))
                else:
                    rows.append(figure(r["size"], name, ms, "ms"))
            if "L" not in sizes:
                rows.append(not_measured("L", name, "ms", f"≤ {limit:g}", "L not run"))
    for r in results:
        ag = r["aggregates"]
        for scope, orm_key, sql_key in (
            ("organization (every department)", "org_orm_ms", "org_sql_ms"),
            ("department (per person)", "dept_orm_ms", "dept_sql_ms"),
        ):
            rows.append(figure(r["size"], f"dashboard aggregates, {scope}: ORM", ag[orm_key], "ms"))
            rows.append(figure(r["size"], f"dashboard aggregates, {scope}: raw SQL", ag[sql_key], "ms"))
            rows.append(
                at_most(
                    r["size"],
                    f"dashboard aggregates, {scope}: ORM time over the raw SQL's",
                    ag[orm_key] / ag[sql_key],
                    "×",
                    TARGET_SERVER_OVER_SQL,
                )
            )
        rows.append(
            figure(r["size"], "dashboard snapshot refresh (this month, every department)", ag["refresh_ms"], "ms")
        )
    return rows
