"""Workload dashboards (统计): the ledger's figures per department, person and kind, within the viewer's scope.

Pure reads of ``WorkItem`` (and of the audit entries ``workitem_reassign`` writes, for pass-backs).
Every function takes the viewer: leaders, the office and administrators see every department,
a department head their own, anyone else nothing (``NotFound``). Counts are by the assignee's
department at assignment (``WorkItem.department``): ``open`` and ``overdue`` now, ``done`` within
the period. Medians are computed in Python from the durations of the period's done items (one query,
the same on SQLite and PostgreSQL); everything else is one grouped query per table.
"""

import functools
import operator
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import headed_department_ids, sees_everything
from accounts.models import Department
from core.enums import Priority
from core.errors import NotFound, ValidationError
from core.models import AuditEvent

from . import processes
from .models import WorkItem, WorkItemKind, WorkItemStatus
from .selectors import PERSON_FIELDS, person_name
from .targets import masked_title, target_ref, visible_refs

# --- The ledger's pass-back vocabulary (推诿指数) ------------------------------------------------------
# An item of one of these kinds settled with one of its outcomes passed its work back (relations
# writes them): a coordination answer item whose department declined the matter, or that a ruling
# took off before the department accepted; a public feedback item the office re-routed to another
# department before the handler replied (the department did not take it up). Other kinds use the
# same words for other things (a meeting reply "decline" is no pass-back).
PASS_BACKS: dict[str, tuple[str, ...]] = {
    WorkItemKind.COORDINATION: ("decline", "reassigned_away"),
    WorkItemKind.FEEDBACK: ("rerouted",),
}
PASS_BACK_KINDS = tuple(PASS_BACKS)
# The coordination outcomes (what ``relations`` writes on a party's answer item).
PASS_BACK_OUTCOMES = PASS_BACKS[WorkItemKind.COORDINATION]


def pass_back_condition() -> Q:
    """The condition on WorkItem of a pass-back by outcome (``PASS_BACKS``), settled at any time."""
    return functools.reduce(operator.or_, (Q(kind=kind, outcome__in=outcomes) for kind, outcomes in PASS_BACKS.items()))


# ``workitem_reassign`` records each 转办 as an audit entry with this verb; one that moves the item
# to another department (``from_department`` ≠ ``to_department`` in its data) is a pass-back of the
# department it left. A hand-over inside a department (a head delegating an answer) is not.
REASSIGN_VERB = "workitem.reassign"

# The longest period a dashboard covers (the heat map has a column per week).
MAX_PERIOD_DAYS = 366
FIGURES = ("open", "overdue", "done", "late", "escalated", "passes")


# --- Who sees what -----------------------------------------------------------------------------------
def dashboard_scope(*, user: Any) -> list[int] | None:
    """The departments ``user`` may see on the dashboards: None for all (leaders, the office,
    administrators), the ids of the departments they head, or ``NotFound`` for anyone else."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    if sees_everything(user):
        return None
    headed = headed_department_ids(user)
    if not headed:
        raise NotFound()
    return sorted(headed)


def may_view_dashboards(user: Any) -> bool:
    try:
        dashboard_scope(user=user)
    except NotFound:
        return False
    return True


# How long the navigation remembers whether someone may see the dashboards (the pages ask afresh).
NAVIGATION_ROLE_SECONDS = 300


def may_view_dashboards_for_navigation(user: Any) -> bool:
    """``may_view_dashboards`` remembered in the cache a few minutes: the navigation asks it on
    every page, and a page that does not need the person's roles should not query them for a link."""
    key = f"workload:dashboards:{user.pk}:{user.department_id}:{user.is_leader}:{user.is_superuser}"
    cached = cache.get(key)
    if cached is None:
        cached = may_view_dashboards(user)
        cache.set(key, cached, NAVIGATION_ROLE_SECONDS)
    return bool(cached)


def _departments(scope: list[int] | None, department: int | None) -> list[int] | None:
    """The departments asked for within the scope: one asked for outside it is a ``NotFound``."""
    if department is None:
        return scope
    if scope is not None and department not in scope:
        raise NotFound()
    return [department]


def department_get(*, user: Any, pk: int) -> Department:
    """One department the viewer may see on the dashboards, or 404."""
    scope = dashboard_scope(user=user)
    if scope is not None and pk not in scope:
        raise NotFound()
    department = Department.objects.filter(pk=pk).first()
    if department is None:
        raise NotFound()
    return department


# --- The period -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    start: date  # first day, inclusive
    end: date  # last day, inclusive
    now: datetime

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        """The moment the period ends (exclusive): midnight after its last day."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def weeks(self) -> list[tuple[str, datetime]]:
        """The ISO weeks the period touches, each with the moment it ends (capped at the period's end
        and at now): ``[("2026-W49", end), ...]``."""
        monday = self.start - timedelta(days=self.start.weekday())
        weeks = []
        while monday <= self.end:
            year, week, _day = monday.isocalendar()
            week_end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))
            weeks.append((f"{year}-W{week:02d}", min(week_end, self.end_at, self.now)))
            monday += timedelta(days=7)
        return weeks


class PeriodForm(forms.Form):
    from_ = forms.DateField(required=False, label=gettext_lazy("From"))
    to = forms.DateField(required=False, label=gettext_lazy("To"))
    department = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, label=gettext_lazy("Department"))

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # ``from`` is a keyword: the field is ``from_`` and reads the parameter ``from``.
        if data is not None:
            data = {"from_": data.get("from"), "to": data.get("to"), "department": data.get("department")}
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from_"), cleaned.get("to")
        if start and end:
            if end < start:
                self.add_error("to", _("The end of the period comes before its start."))
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("to", _("A period covers at most %(days)d days.") % {"days": MAX_PERIOD_DAYS})
        return cleaned


def _field_errors(form: forms.Form) -> dict[str, list[str]]:
    return {("from" if name == "from_" else name): [str(m) for m in messages] for name, messages in form.errors.items()}


def dashboard_params(params: Any, *, now: datetime | None = None) -> tuple[Period, int | None]:
    """The period (``from``, ``to``; default: the current month up to today) and the department
    asked for, from query parameters; a bad value is a ``ValidationError`` naming the field."""
    form = PeriodForm(params)
    if not form.is_valid():
        raise ValidationError(_("Please correct the period."), fields=_field_errors(form))
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = form.cleaned_data["from_"] or (form.cleaned_data["to"] or today).replace(day=1)
    end = form.cleaned_data["to"] or max(today, start)
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ValidationError(
            _("A period covers at most %(days)d days.") % {"days": MAX_PERIOD_DAYS},
            fields={"to": [_("Choose a shorter period.")]},
        )
    return Period(start=start, end=end, now=now), form.cleaned_data["department"]


# --- The figures ----------------------------------------------------------------------------------------
def _conditions(period: Period) -> dict[str, Q]:
    """What each figure counts (``FIGURES``), as a condition on WorkItem."""
    is_open = Q(status=WorkItemStatus.OPEN)
    done = Q(status=WorkItemStatus.DONE, completed_at__gte=period.start_at, completed_at__lt=period.end_at)
    return {
        "open": is_open,
        "overdue": is_open & Q(due_at__lt=period.now),
        "done": done,
        # Done in the period after its due time.
        "late": done & Q(due_at__isnull=False, completed_at__gt=F("due_at")),
        # Done with a due time: the denominator of the on-time rate.
        "done_with_due": done & Q(due_at__isnull=False),
        # Escalated (the head or the office was told) among the items open now or done in the period.
        "escalated": (is_open | done) & Q(escalation_level__gte=1),
        "passes": pass_back_condition() & Q(completed_at__gte=period.start_at, completed_at__lt=period.end_at),
    }


def _relevant(period: Period) -> Q:
    """Rows any figure counts: open now, or settled in the period."""
    return Q(status=WorkItemStatus.OPEN) | Q(completed_at__gte=period.start_at, completed_at__lt=period.end_at)


def _items(departments: list[int] | None) -> QuerySet[WorkItem]:
    items = WorkItem.objects.filter(department__isnull=False)
    return items if departments is None else items.filter(department_id__in=departments)


def _grouped(
    qs: QuerySet[WorkItem], period: Period, group: Iterable[str], extra: Iterable[str] = ()
) -> QuerySet[Any, dict[str, Any]]:
    counts = {name: Count("id", filter=condition) for name, condition in _conditions(period).items()}
    return qs.filter(_relevant(period)).values(*group, *extra).annotate(**counts).order_by()


def _rate(done_with_due: int, late: int) -> float | None:
    """The on-time rate: the share of the period's done items with a due time done by it."""
    return round((done_with_due - late) / done_with_due, 4) if done_with_due else None


def _median_hours(durations: list[timedelta]) -> float | None:
    if not durations:
        return None
    return round(statistics.median(d.total_seconds() for d in durations) / 3600, 1)


def _durations(qs: QuerySet[WorkItem], period: Period, key: str) -> dict[Any, list[timedelta]]:
    """The turnaround (assigned → done) of each of the period's done items, by ``key``: one query."""
    return _turnarounds(qs.filter(_conditions(period)["done"]), key)


def _turnarounds(done: QuerySet[WorkItem], key: str) -> dict[Any, list[timedelta]]:
    """The turnaround (assigned → done) of each of the ``done`` items, by ``key``: one query."""
    by_key: dict[Any, list[timedelta]] = defaultdict(list)
    for value, created_at, completed_at in done.values_list(key, "created_at", "completed_at"):
        if completed_at is not None:
            by_key[value].append(completed_at - created_at)
    return by_key


def _figures(row: dict[str, Any] | None, durations: list[timedelta], passes: int = 0) -> dict[str, Any]:
    row = row or {}
    return {
        "open": row.get("open", 0),
        "overdue": row.get("overdue", 0),
        "done": row.get("done", 0),
        "late": row.get("late", 0),
        "on_time_rate": _rate(row.get("done_with_due", 0), row.get("late", 0)),
        "median_turnaround_hours": _median_hours(durations),
        "escalated": row.get("escalated", 0),
        "passes": row.get("passes", 0) + passes,
    }


def _reassign_passes(period: Period, departments: list[int] | None) -> dict[int, list[int]]:
    """The work items passed on to another department in the period (``workitem_reassign``'s audit
    entries), by the department they left: ``{department: [item ids]}``. One query; the entries'
    data is read in Python (no JSON lookups: the same on SQLite and PostgreSQL)."""
    entries = AuditEvent.objects.filter(
        verb=REASSIGN_VERB,
        target_type=ContentType.objects.get_for_model(WorkItem),
        created_at__gte=period.start_at,
        created_at__lt=period.end_at,
    ).values_list("target_id", "data")
    passed: dict[int, list[int]] = defaultdict(list)
    for item_id, data in entries:
        left, joined = (data or {}).get("from_department"), (data or {}).get("to_department")
        if isinstance(left, int) and left != joined and (departments is None or left in departments):
            passed[left].append(int(item_id or 0))
    return passed


def _department_rows(departments: list[int] | None) -> list[dict[str, Any]]:
    qs = Department.objects.order_by("order", "name", "id")
    if departments is not None:
        qs = qs.filter(pk__in=departments)
    return [{"id": row["id"], "name": row["name"]} for row in qs.values("id", "name")]


SORTABLE = ("name", "open", "overdue", "done", "late", "on_time_rate", "median_turnaround_hours", "escalated", "passes")


def sort_rows(rows: list[dict[str, Any]], sort: str | None) -> list[dict[str, Any]]:
    """Rows ordered by ``sort`` (a column of ``SORTABLE``, ``-`` first for descending); rows
    without a value (no rate, no median) last either way; an unknown column leaves the order."""
    key = (sort or "").lstrip("-")
    if key not in SORTABLE:
        return rows
    descending = (sort or "").startswith("-")
    present = [r for r in rows if r.get(key) is not None]
    missing = [r for r in rows if r.get(key) is None]
    return sorted(present, key=lambda r: r[key], reverse=descending) + missing


def organization_view(*, user: Any, period: Period, department: int | None = None) -> dict[str, Any]:
    """The organization view (and the API's ``GET /dashboard/``): per department, per person and
    per kind the figures, the pass-backs per department, the heat map of open work by department and
    ISO week and the trend (open at each week's end, done in each week). Six queries; or one, from
    the pre-aggregated snapshot (``dashboard_snapshots``) when a fresh one covers the period."""
    departments = _departments(dashboard_scope(user=user), department)
    from .dashboard_snapshots import ORGANIZATION, snapshot_of

    stored = snapshot_of(ORGANIZATION, departments, period)
    if stored is not None:
        # The kinds' labels in the request's language (the refresh wrote them in the worker's).
        return {**stored, "kinds": [{**row, "label": str(WorkItemKind(row["kind"]).label)} for row in stored["kinds"]]}
    return organization_figures(period=period, departments=departments)


def organization_figures(*, period: Period, departments: list[int] | None) -> dict[str, Any]:
    """``organization_view``'s figures for ``departments`` (None: all), computed live. Six queries."""
    qs = _items(departments)
    names = _department_rows(departments)
    # 1. Per department.
    by_department = {row["department"]: row for row in _grouped(qs, period, ["department"])}
    # 2. The period's durations, by department and kind at once.
    durations = list(
        qs.filter(_conditions(period)["done"]).values_list("department", "kind", "created_at", "completed_at")
    )
    by_dept_durations: dict[int, list[timedelta]] = defaultdict(list)
    by_kind_durations: dict[str, list[timedelta]] = defaultdict(list)
    for dept, kind, created_at, completed_at in durations:
        if dept is None or completed_at is None:  # neither happens: the rows are done, with a department
            continue
        by_dept_durations[dept].append(completed_at - created_at)
        by_kind_durations[kind].append(completed_at - created_at)
    # 3. Pass-backs by reassignment to another department.
    reassigned = _reassign_passes(period, departments)
    department_table = [
        {
            "id": d["id"],
            "name": d["name"],
            **_figures(by_department.get(d["id"]), by_dept_durations[d["id"]], len(reassigned.get(d["id"], []))),
        }
        for d in names
    ]
    # 4. Per kind.
    by_kind = {row["kind"]: row for row in _grouped(qs, period, ["kind"])}
    kinds = [
        {"kind": value, "label": str(label), **_figures(by_kind.get(value), by_kind_durations[value])}
        for value, label in WorkItemKind.choices
    ]
    # 5. Per person.
    people = people_figures(qs, period)
    # 6. The heat map and the trend.
    heat = heat_map(qs, period, names)
    return {
        "period": period,
        "departments": department_table,
        "people": people,
        "kinds": kinds,
        "buck_passing": [
            {"department": row["id"], "name": row["name"], "passes": row["passes"]}
            for row in sorted(department_table, key=lambda r: (-r["passes"], r["id"]))
        ],
        **heat,
    }


def people_figures(qs: QuerySet[WorkItem], period: Period) -> list[dict[str, Any]]:
    """Per assignee (with the department of the items) the figures: two queries (counts, durations)."""
    person = [f"assignee__{f}" for f in PERSON_FIELDS]
    rows = list(_grouped(qs, period, ["assignee_id", "department_id"], ["department__name", *person]))
    durations = _durations(qs, period, "assignee_id")
    result = []
    for row in rows:
        result.append(
            {
                "id": row["assignee_id"],
                "name": person_name(row, "assignee"),
                "department": row["department_id"],
                "department_name": row["department__name"],
                **_figures(row, durations.get(row["assignee_id"], [])),
            }
        )
    return sorted(result, key=lambda r: (r["department"], -r["open"], r["name"] or "", r["id"]))


def heat_map(qs: QuerySet[WorkItem], period: Period, names: list[dict[str, Any]]) -> dict[str, Any]:
    """Open work by department and ISO week (the items open at the end of each week: assigned by
    then and not settled by then) and the trend of the whole scope (open at each week's end, done in
    each week): one grouped query with a column per week."""
    weeks = period.weeks()
    columns: dict[str, Any] = {}
    previous = period.start_at
    for index, (_label, end) in enumerate(weeks):
        was_open = Q(created_at__lt=end) & (Q(completed_at__isnull=True) | Q(completed_at__gte=end))
        columns[f"open_{index}"] = Count("id", filter=was_open)
        columns[f"done_{index}"] = Count(
            "id", filter=Q(status=WorkItemStatus.DONE, completed_at__gte=previous, completed_at__lt=end)
        )
        previous = end
    touched = Q(created_at__lt=period.end_at) & (Q(completed_at__isnull=True) | Q(completed_at__gte=period.start_at))
    rows = {row["department"]: row for row in qs.filter(touched).values("department").annotate(**columns).order_by()}
    grid = [
        {
            "id": d["id"],
            "name": d["name"],
            "cells": [rows.get(d["id"], {}).get(f"open_{i}", 0) for i in range(len(weeks))],
        }
        for d in names
    ]
    peak = max((cell for row in grid for cell in row["cells"]), default=0)
    trend = {
        "weeks": [label for label, _end in weeks],
        "open": [sum(row.get(f"open_{i}", 0) for row in rows.values()) for i in range(len(weeks))],
        "done": [sum(row.get(f"done_{i}", 0) for row in rows.values()) for i in range(len(weeks))],
    }
    return {"heat_map": {"weeks": trend["weeks"], "rows": grid, "peak": peak}, "trend": trend}


def heat_level(count: int, peak: int) -> int:
    """The shade (0–5) of a heat-map cell: its share of the busiest cell."""
    if not count or not peak:
        return 0
    return max(1, min(5, round(5 * count / peak)))


# --- The department view -------------------------------------------------------------------------------
OLDEST_OVERDUE = 10


def department_view(*, user: Any, department: Department, period: Period) -> dict[str, Any]:
    """One department: per person the figures, the oldest overdue items (rows of ``DRILL_FIELDS``;
    masking is the caller's, ``masked_rows``), and the share of effort by priority (重点 / 次重点 /
    一般: the items open now or done in the period). Five queries; or one, from the pre-aggregated
    snapshot (``dashboard_snapshots``) when a fresh one covers the period."""
    department_get(user=user, pk=department.pk)
    from .dashboard_snapshots import DEPARTMENT, snapshot_of

    stored = snapshot_of(DEPARTMENT, [department.pk], period)
    if stored is not None:
        # The priorities' labels in the request's language (the refresh wrote them in the worker's).
        priorities = [{**row, "label": str(Priority(row["priority"]).label)} for row in stored["priorities"]]
        return {**stored, "department": department, "priorities": priorities}
    return department_figures(department=department, period=period)


def department_figures(*, department: Department, period: Period) -> dict[str, Any]:
    """``department_view``'s figures, computed live. Four queries."""
    qs = _items([department.pk])
    people = people_figures(qs, period)
    overdue = list(
        qs.filter(status=WorkItemStatus.OPEN, due_at__lt=period.now)
        .order_by("due_at", "id")
        .values(*DRILL_FIELDS)[:OLDEST_OVERDUE]
    )
    by_priority = {
        row["priority"]: row["n"]
        for row in qs.filter(_relevant(period) & ~Q(status=WorkItemStatus.CANCELLED))
        .values("priority")
        .annotate(n=Count("id"))
        .order_by()
    }
    total = sum(by_priority.values())
    priorities = [
        {
            "priority": value,
            "label": str(label),
            "count": by_priority.get(value, 0),
            "share": round(by_priority.get(value, 0) / total, 4) if total else None,
        }
        for value, label in Priority.choices
    ]
    return {
        "department": department,
        "period": period,
        "people": people,
        "oldest_overdue": overdue,
        "priorities": priorities,
    }


# --- Drill-down ------------------------------------------------------------------------------------------
DRILL_FIELDS = (
    "id", "kind", "title", "classification", "target_type_id", "target_id", "status", "priority",
    "created_at", "due_at", "completed_at", "outcome", "escalation_level", "department_id", "department__name",
    "assignee_id", *(f"assignee__{f}" for f in PERSON_FIELDS),
)  # fmt: skip


class DrillForm(PeriodForm):
    figure = forms.ChoiceField(choices=[(f, f) for f in FIGURES], label=gettext_lazy("Figure"))
    person = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, label=gettext_lazy("Person"))
    kind = forms.ChoiceField(required=False, choices=[("", ""), *WorkItemKind.choices], label=gettext_lazy("Kind"))

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        if data is not None:
            self.data = {**self.data, **{k: data.get(k) for k in ("figure", "person", "kind")}}


def drill_params(params: Any, *, now: datetime | None = None) -> dict[str, Any]:
    """The drill-down's parameters: the period, department, person, kind and figure."""
    form = DrillForm(params)
    if not form.is_valid():
        raise ValidationError(_("Please correct the marked fields."), fields=_field_errors(form))
    period, department = dashboard_params(params, now=now)
    return {
        "period": period,
        "department": department,
        "person": form.cleaned_data["person"],
        "kind": form.cleaned_data["kind"] or None,
        "figure": form.cleaned_data["figure"],
    }


def drill_rows(
    *,
    user: Any,
    period: Period,
    figure: str,
    department: int | None = None,
    person: int | None = None,
    kind: str | None = None,
) -> QuerySet[WorkItem, dict[str, Any]]:
    """The items behind one figure, as rows of ``DRILL_FIELDS``, oldest due first. Within the
    viewer's scope; the titles are the caller's to mask (``masked_rows``): a viewer who may not see
    an item's target learns only that it exists."""
    if figure not in FIGURES:
        raise ValidationError(_("Unknown figure."), fields={"figure": [figure]})
    departments = _departments(dashboard_scope(user=user), department)
    qs = _items(departments)
    condition = _conditions(period)[figure]
    if figure == "passes":
        reassigned = [pk for ids in _reassign_passes(period, departments).values() for pk in ids]
        # An item passed on carries its new department now: it is found by id, whatever its department.
        qs = WorkItem.objects.filter(Q(pk__in=qs.filter(condition).values("pk")) | Q(pk__in=reassigned))
        condition = Q()
    qs = qs.filter(condition)
    if person is not None:
        qs = qs.filter(assignee_id=person)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.values(*DRILL_FIELDS).order_by(F("due_at").asc(nulls_last=True), "id")


def masked_rows(*, user: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with ``visible`` and its title replaced by the masked label (``targets.masked_title``)
    when the viewer may not see its target: one query for the page (``targets.visible_refs``)."""
    seen = visible_refs(user, {(row["target_type_id"], row["target_id"]) for row in rows})
    result = []
    for row in rows:
        visible = (row["target_type_id"], row["target_id"]) in seen
        result.append(
            {
                **row,
                "visible": visible,
                "title": row["title"] if visible else masked_title(row["classification"]),
                # The target's own page (the item page is its holders' and the office's only).
                "url": target_ref(row["target_type_id"], row["target_id"])["url"] if visible else None,
                "assignee_name": person_name(row, "assignee"),
                "kind_label": WorkItemKind(row["kind"]).label,
            }
        )
    return result


# --- Process views (from the ledger alone) ----------------------------------------------------------------
COORDINATION_OUTCOMES = ("accept", "decline", "reassigned_away")


def process_view(*, user: Any, period: Period, department: int | None = None) -> dict[str, Any]:
    """Per process, what the ledger tells: comment collection per department (asked in the period,
    answered, the response rate and the median hours to answer), approval latency per approver (the
    period's decisions and their median hours, and what waits now), coordination outcomes per
    department (answers settled in the period by outcome), approval latency per approver and step,
    meeting decisions' follow-through. Within the viewer's scope; from the pre-aggregated snapshot
    (``dashboard_snapshots``, one query, with ``as_of``) when a fresh one covers the scope and period,
    else computed live (``process_figures``)."""
    departments = _departments(dashboard_scope(user=user), department)
    from .dashboard_snapshots import PROCESSES, snapshot_of

    stored = snapshot_of(PROCESSES, departments, period)
    if stored is not None:
        return {**stored, "approval_steps": relabel_steps(stored["approval_steps"])}
    return process_figures(period=period, departments=departments)


def relabel_steps(steps: dict[str, Any]) -> dict[str, Any]:
    """Stored approval steps with their labels in the request's language (the refresh wrote them in
    the worker's): the labels are read again from the step keys, without a query."""
    labels = dict(processes.step_choices())

    def label(step: str) -> str:
        return str(labels.get(step, "")) or _("Other")

    return {
        "by_approver": [{**row, "step_label": label(row["step"])} for row in steps["by_approver"]],
        "by_step": [{**row, "label": label(row["step"])} for row in steps["by_step"]],
    }


def process_figures(*, period: Period, departments: list[int] | None) -> dict[str, Any]:
    """``process_view``'s figures for ``departments`` (None: all), computed live. Six queries, and one
    per app registered for the follow-through; the medians read every duration of the period."""
    qs = _items(departments)
    names = _department_rows(departments)
    asked = Q(created_at__gte=period.start_at, created_at__lt=period.end_at) & ~Q(status=WorkItemStatus.CANCELLED)
    comment_items = qs.filter(asked, kind=WorkItemKind.COMMENT_REQUEST)
    counts = {
        row["department"]: row
        for row in comment_items.values("department")
        .annotate(asked=Count("id"), answered=Count("id", filter=Q(status=WorkItemStatus.DONE)))
        .order_by()
    }
    answer_times = _turnarounds(comment_items.filter(status=WorkItemStatus.DONE), "department")
    comments = []
    for d in names:
        row = counts.get(d["id"], {})
        asked_n, answered_n = row.get("asked", 0), row.get("answered", 0)
        comments.append(
            {
                "id": d["id"],
                "name": d["name"],
                "asked": asked_n,
                "answered": answered_n,
                "response_rate": round(answered_n / asked_n, 4) if asked_n else None,
                "median_response_hours": _median_hours(answer_times.get(d["id"], [])),
            }
        )
    approvals_qs = qs.filter(kind=WorkItemKind.APPROVAL)
    person = [f"assignee__{f}" for f in PERSON_FIELDS]
    approval_rows = list(
        approvals_qs.filter(_relevant(period))
        .values("assignee_id", *person)
        .annotate(
            decided=Count("id", filter=_conditions(period)["done"]),
            waiting=Count("id", filter=Q(status=WorkItemStatus.OPEN)),
        )
        .order_by()
    )
    latency = _durations(approvals_qs, period, "assignee_id")
    approvals = sorted(
        (
            {
                "id": row["assignee_id"],
                "name": person_name(row, "assignee"),
                "decided": row["decided"],
                "waiting": row["waiting"],
                "median_hours": _median_hours(latency.get(row["assignee_id"], [])),
            }
            for row in approval_rows
        ),
        key=lambda r: (-(r["median_hours"] or 0), r["id"]),
    )
    settled = Q(completed_at__gte=period.start_at, completed_at__lt=period.end_at)
    outcome_counts = {
        (row["department"], row["outcome"]): row["n"]
        for row in qs.filter(settled, kind=WorkItemKind.COORDINATION)
        .values("department", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    }
    coordination = [
        {
            "id": d["id"],
            "name": d["name"],
            **{outcome: outcome_counts.get((d["id"], outcome), 0) for outcome in COORDINATION_OUTCOMES},
            "other": sum(
                n
                for (dept, outcome), n in outcome_counts.items()
                if dept == d["id"] and outcome not in COORDINATION_OUTCOMES
            ),
        }
        for d in names
    ]
    return {
        "period": period,
        "comments": comments,
        "approvals": approvals,
        "approval_steps": approval_steps(approvals_qs, period),
        "coordination": coordination,
        "decisions": decision_follow_through(period, departments, names),
    }


def approval_steps(approvals_qs: QuerySet[WorkItem], period: Period) -> dict[str, Any]:
    """Approval latency per approver and step (the step each app names through
    ``processes.register_steps``: 核稿 / 会签 / 审核 / 签发 for documents), and per step: the period's
    decisions and their median hours, what waits now. Two queries (counts, durations), the step
    read by one subquery per row inside each."""
    labels = dict(processes.step_choices())
    order = {key: index for index, key in enumerate(labels)}
    person = [f"assignee__{f}" for f in PERSON_FIELDS]
    stepped = approvals_qs.annotate(step=processes.step_expression())
    rows = list(
        stepped.filter(_relevant(period))
        .values("assignee_id", "step", *person)
        .annotate(
            decided=Count("id", filter=_conditions(period)["done"]),
            waiting=Count("id", filter=Q(status=WorkItemStatus.OPEN)),
        )
        .order_by()
    )
    by_pair: dict[tuple[int, str], list[timedelta]] = defaultdict(list)
    by_step: dict[str, list[timedelta]] = defaultdict(list)
    done = stepped.filter(_conditions(period)["done"]).values_list("assignee_id", "step", "created_at", "completed_at")
    for assignee, step, created_at, completed_at in done:
        if completed_at is not None:
            by_pair[(assignee, step or "")].append(completed_at - created_at)
            by_step[step or ""].append(completed_at - created_at)

    def label(step: str) -> str:
        return str(labels.get(step, "")) or _("Other")

    per_pair = sorted(
        (
            {
                "id": row["assignee_id"],
                "name": person_name(row, "assignee"),
                "step": row["step"] or "",
                "step_label": label(row["step"] or ""),
                "decided": row["decided"],
                "waiting": row["waiting"],
                "median_hours": _median_hours(by_pair.get((row["assignee_id"], row["step"] or ""), [])),
            }
            for row in rows
        ),
        key=lambda r: (order.get(r["step"], len(order)), -(r["median_hours"] or 0), r["id"]),
    )
    steps = []
    for step in [*labels, ""]:
        of_step = [r for r in per_pair if r["step"] == step]
        if not of_step and step == "":
            continue
        steps.append(
            {
                "step": step,
                "label": label(step),
                "decided": sum(r["decided"] for r in of_step),
                "waiting": sum(r["waiting"] for r in of_step),
                "median_hours": _median_hours(by_step.get(step, [])),
            }
        )
    return {"by_approver": per_pair, "by_step": steps}


def decision_follow_through(
    period: Period, departments: list[int] | None, names: list[dict[str, Any]]
) -> dict[str, Any]:
    """Meeting decisions' follow-through (``processes.register_follow_through``: meetings): decisions
    taken in the period, the matters opened for them, done on time / late, open (and overdue), by the
    matter's department; decisions no matter follows yet only for a viewer who sees every department."""
    figures = processes.follow_through(
        processes.FollowThroughQuery(
            start_at=period.start_at, end_at=period.end_at, now=period.now, departments=departments
        )
    )
    empty = dict.fromkeys(processes.FOLLOW_THROUGH_FIGURES, 0)
    rows = [{"id": d["id"], "name": d["name"], **figures.get(d["id"], empty)} for d in names]
    total = {key: sum(row[key] for row in figures.values()) for key in processes.FOLLOW_THROUGH_FIGURES}
    return {"by_department": rows, "total": total, "without_matter": figures.get(None, empty)["decided"]}


# --- The monthly report -------------------------------------------------------------------------------------
class MonthForm(forms.Form):
    month = forms.RegexField(
        required=False,
        regex=r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$",
        max_length=7,
        label=gettext_lazy("Month"),
        error_messages={"invalid": gettext_lazy("Give the month as YYYY-MM.")},
    )


def month_period(params: Any, *, now: datetime | None = None) -> Period:
    """The calendar month ``month=YYYY-MM`` asks for (default: the current one) as a period; a bad
    value is a ``ValidationError`` naming the field."""
    form = MonthForm({"month": params.get("month")})
    if not form.is_valid():
        raise ValidationError(_("Please correct the month."), fields=_field_errors(form))
    now = now or timezone.now()
    if form.cleaned_data["month"]:
        year, month = (int(part) for part in form.cleaned_data["month"].split("-"))
        start = date(year, month, 1)
    else:
        start = timezone.localdate(now).replace(day=1)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return Period(start=start, end=end, now=now)


def monthly_report(*, user: Any, department: Department, period: Period) -> dict[str, Any]:
    """What the monthly report of one department prints: its figures (the organization view narrowed to
    it: the department row, per kind, the pass-backs) and the department view (per person, the oldest
    overdue items, masked for what the viewer may not see, the share by priority). Twelve queries."""
    view = department_view(user=user, department=department, period=period)
    organization = organization_view(user=user, period=period, department=department.pk)
    return {
        **view,
        "figures": organization["departments"][0] if organization["departments"] else _figures(None, []),
        "kinds": [row for row in organization["kinds"] if row["open"] or row["done"] or row["overdue"]],
        "oldest_overdue": masked_rows(user=user, rows=view["oldest_overdue"]),
    }
