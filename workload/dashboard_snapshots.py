"""Pre-aggregated dashboards: the figures of the default period (this month up to today) computed by a
periodic task (``workload.tasks.refresh_dashboards``, every ``REFRESH_SECONDS``) and stored in
``DashboardSnapshot`` rows, so that the organization view at a large size reads one row instead of
aggregating millions of work items on every request; the process views (``process_view``: comment
collection, approval latency, coordination outcomes, decisions' follow-through) likewise, whose
medians would otherwise fetch every duration of the period on each request.

A snapshot serves a request for exactly its period while it is at most ``MAX_AGE`` old; any other
period, or a stale or missing snapshot, is computed live. The pages show the snapshot's time
("数据更新于 …") and the API its ``as_of``. Stored: the whole bureau's organization and process views,
and per department its organization and process views (a head's) and its department view. The figures
depend on nothing of the viewer but the scope (the departments), which is the snapshot's key: a
viewer whose scope is no stored one (the head of two departments) is computed live. Scope and masking
are still the request's: the snapshot holds only figures and item rows; ``masked_rows`` masks titles
for each viewer as before.
"""

import json
from datetime import datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Department

from .models import DashboardSnapshot

ORGANIZATION = "organization"
DEPARTMENT = "department"
PROCESSES = "processes"
REFRESH_SECONDS = 600
MAX_AGE = timedelta(seconds=2 * REFRESH_SECONDS)
# Keys of the stored rows that hold moments (read back as datetimes).
MOMENTS = ("created_at", "due_at", "completed_at")


def snapshot_key(kind: str, departments: list[int] | None) -> str:
    scope = "all" if departments is None else ",".join(str(pk) for pk in sorted(departments))
    return f"{kind}:{scope}"


class _Encoder(DjangoJSONEncoder):
    """Moments to the microsecond (Django's encoder keeps milliseconds only)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def _encode(view: dict[str, Any]) -> Any:
    data = {key: value for key, value in view.items() if key not in ("period", "department")}
    return json.loads(json.dumps(data, cls=_Encoder))


def _decode(data: dict[str, Any]) -> dict[str, Any]:
    for row in data.get("oldest_overdue", []):
        for key in MOMENTS:
            if isinstance(row.get(key), str):
                row[key] = parse_datetime(row[key])
    return data


def snapshot_of(kind: str, departments: list[int] | None, period: Any) -> dict[str, Any] | None:
    """The stored figures for ``kind`` over ``departments`` and exactly ``period``, fresh enough, with
    ``period`` and ``as_of`` (the moment they were computed); None when there are none. One query."""
    row = (
        DashboardSnapshot.objects.filter(
            key=snapshot_key(kind, departments),
            period_start=period.start,
            period_end=period.end,
            computed_at__gte=period.now - MAX_AGE,
        )
        .values("data", "computed_at")
        .first()
    )
    if row is None:
        return None
    return {**_decode(row["data"]), "period": period, "as_of": row["computed_at"]}


def refresh(*, now: datetime | None = None) -> int:
    """Compute and store the default period's snapshots (the whole bureau's organization and process
    views, and each department's organization, process and department views), and drop those of other
    periods. Returns how many were stored."""
    from . import dashboards

    period, _department = dashboards.dashboard_params({}, now=now or timezone.now())
    computed: list[tuple[str, Any]] = [
        (snapshot_key(ORGANIZATION, None), dashboards.organization_figures(period=period, departments=None)),
        (snapshot_key(PROCESSES, None), dashboards.process_figures(period=period, departments=None)),
    ]
    for department in Department.objects.order_by("id"):
        computed.append(
            (
                snapshot_key(ORGANIZATION, [department.pk]),
                dashboards.organization_figures(period=period, departments=[department.pk]),
            )
        )
        computed.append(
            (
                snapshot_key(PROCESSES, [department.pk]),
                dashboards.process_figures(period=period, departments=[department.pk]),
            )
        )
        computed.append(
            (
                snapshot_key(DEPARTMENT, [department.pk]),
                dashboards.department_figures(department=department, period=period),
            )
        )
    with transaction.atomic():
        DashboardSnapshot.objects.exclude(period_start=period.start, period_end=period.end).delete()
        for key, view in computed:
            DashboardSnapshot.objects.update_or_create(
                key=key,
                period_start=period.start,
                period_end=period.end,
                defaults={"data": _encode(view), "computed_at": period.now},
            )
    return len(computed)
