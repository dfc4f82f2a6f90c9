"""The dashboards' figures equal counts computed here, independently, from random ledger rows
(hypothesis); the scope of each role; pass-backs by outcome and by reassignment to another department."""

import statistics
from datetime import date, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.enums import Priority
from core.errors import NotFound, ValidationError
from tests.factories import DepartmentFactory, UserFactory, WorkItemFactory
from workload import dashboards
from workload.models import WorkItem, WorkItemKind, WorkItemStatus
from workload.services import workitem_reassign

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0).astimezone()
START, END = date(2026, 11, 1), date(2026, 11, 30)


def _period(now=NOW):
    return dashboards.Period(start=START, end=END, now=now)


@pytest.fixture
def org(office, leader):
    a = DepartmentFactory(name="甲处", code="a")
    b = DepartmentFactory(name="乙处", code="b")
    people = [UserFactory(department=a), UserFactory(department=a), UserFactory(department=b)]
    a.head = people[0]
    a.save()
    return {"a": a, "b": b, "people": people, "leader": leader}


ROW = st.fixed_dictionaries(
    {
        "person": st.integers(0, 2),
        "kind": st.sampled_from(
            [WorkItemKind.MATTER, WorkItemKind.COORDINATION, WorkItemKind.APPROVAL, WorkItemKind.FEEDBACK]
        ),
        "status": st.sampled_from(list(WorkItemStatus.values)),
        # Hours before now the item was assigned; hours after assignment it is due (None: no due)
        # and it was settled (for closed items; may fall before or inside the period).
        "assigned": st.integers(1, 24 * 60),
        "due_after": st.none() | st.integers(1, 24 * 10),
        "settled_after": st.integers(0, 24 * 20),
        "escalation": st.integers(0, 2),
        "outcome": st.sampled_from(["done", "decline", "reassigned_away", "accept", "rerouted", "answered"]),
        "priority": st.sampled_from(list(Priority.values)),
    }
)


def _make(org, rows):
    WorkItem.objects.all().delete()
    target = org["a"]
    items = []
    for row in rows:
        person = org["people"][row["person"]]
        created = NOW - timedelta(hours=row["assigned"])
        due = created + timedelta(hours=row["due_after"]) if row["due_after"] is not None else None
        completed = None
        if row["status"] != WorkItemStatus.OPEN:
            completed = min(created + timedelta(hours=row["settled_after"]), NOW)
        items.append(
            WorkItem(
                assignee=person,
                department_id=person.department_id,
                kind=row["kind"],
                target_type=ContentType.objects.get_for_model(target),
                target_id=target.pk,
                title="事项",
                created_at=created,
                due_at=due,
                completed_at=completed,
                status=row["status"],
                outcome=row["outcome"] if row["status"] != WorkItemStatus.OPEN else "",
                escalation_level=row["escalation"],
                priority=row["priority"],
            )
        )
    WorkItem.objects.bulk_create(items)
    return items


def _expected(items, keep):
    """The figures of the items ``keep`` selects, counted here from the definitions (README)."""
    period = _period()
    start, end = period.start_at, period.end_at
    chosen = [i for i in items if keep(i)]
    is_open = [i for i in chosen if i.status == WorkItemStatus.OPEN]
    done = [i for i in chosen if i.status == WorkItemStatus.DONE and start <= i.completed_at < end]
    with_due = [i for i in done if i.due_at is not None]
    late = [i for i in with_due if i.completed_at > i.due_at]
    hours = [(i.completed_at - i.created_at).total_seconds() / 3600 for i in done]
    return {
        "open": len(is_open),
        "overdue": sum(1 for i in is_open if i.due_at is not None and i.due_at < NOW),
        "done": len(done),
        "late": len(late),
        "on_time_rate": round((len(with_due) - len(late)) / len(with_due), 4) if with_due else None,
        "median_turnaround_hours": round(statistics.median(hours), 1) if hours else None,
        "escalated": sum(1 for i in is_open + done if i.escalation_level >= 1),
        "passes": sum(
            1
            for i in chosen
            if (
                (i.kind == WorkItemKind.COORDINATION and i.outcome in ("decline", "reassigned_away"))
                or (i.kind == WorkItemKind.FEEDBACK and i.outcome == "rerouted")
            )
            and i.completed_at is not None
            and start <= i.completed_at < end
        ),
    }


FIGURE_KEYS = ("open", "overdue", "done", "late", "on_time_rate", "median_turnaround_hours", "escalated", "passes")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, max_size=25))
def test_figures_equal_independent_counts(org, rows):
    items = _make(org, rows)
    view = dashboards.organization_view(user=org["leader"], period=_period())
    by_department = {row["id"]: row for row in view["departments"]}
    for key in ("a", "b"):
        department = org[key]
        expected = _expected(items, lambda i, d=department: i.department_id == d.pk)
        assert {k: by_department[department.pk][k] for k in FIGURE_KEYS} == expected, key
    by_kind = {row["kind"]: row for row in view["kinds"]}
    for kind in (WorkItemKind.MATTER, WorkItemKind.COORDINATION, WorkItemKind.APPROVAL):
        expected = _expected(items, lambda i, k=kind: i.kind == k)
        assert {k: by_kind[kind][k] for k in FIGURE_KEYS} == expected, kind
    by_person = {row["id"]: row for row in view["people"]}
    for person in org["people"]:
        expected = _expected(items, lambda i, p=person: i.assignee_id == p.pk)
        if person.pk in by_person:
            assert {k: by_person[person.pk][k] for k in FIGURE_KEYS} == expected
        else:  # a person with nothing open or settled in the period has no row
            assert expected["open"] == expected["done"] == expected["passes"] == 0
    passes = {row["department"]: row["passes"] for row in view["buck_passing"]}
    assert passes == {d: row["passes"] for d, row in by_department.items()}
    # The drill-down lists exactly the items behind each figure.
    for figure in ("open", "overdue", "done", "late", "escalated", "passes"):
        rows_a = dashboards.drill_rows(user=org["leader"], period=_period(), figure=figure, department=org["a"].pk)
        assert rows_a.count() == by_department[org["a"].pk][figure], figure


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, max_size=20))
def test_heat_map_and_priorities_equal_independent_counts(org, rows):
    items = _make(org, rows)
    period = _period()
    view = dashboards.organization_view(user=org["leader"], period=period)
    weeks = period.weeks()
    grid = {row["id"]: row["cells"] for row in view["heat_map"]["rows"]}
    for department in (org["a"], org["b"]):
        expected = [
            sum(
                1
                for i in items
                if i.department_id == department.pk
                and i.created_at < end
                and (i.completed_at is None or i.completed_at >= end)
                and i.created_at < period.end_at
                and (i.completed_at is None or i.completed_at >= period.start_at)
            )
            for _label, end in weeks
        ]
        assert grid[department.pk] == expected
    assert view["trend"]["open"] == [sum(grid[d][w] for d in grid) for w in range(len(weeks))]
    unit = dashboards.department_view(user=org["leader"], department=org["a"], period=period)
    start, end = period.start_at, period.end_at
    counted = [
        i
        for i in items
        if i.department_id == org["a"].pk
        and (i.status == WorkItemStatus.OPEN or (i.status == WorkItemStatus.DONE and start <= i.completed_at < end))
    ]
    assert {row["priority"]: row["count"] for row in unit["priorities"]} == {
        p: sum(1 for i in counted if i.priority == p) for p in Priority.values
    }


def test_scope_by_role(org, office_member, admin_user):
    a, b = org["a"], org["b"]
    for person in (org["leader"], office_member, admin_user):
        assert dashboards.dashboard_scope(user=person) is None
    head = org["people"][0]
    assert dashboards.dashboard_scope(user=head) == [a.pk]
    view = dashboards.organization_view(user=head, period=_period())
    assert [row["id"] for row in view["departments"]] == [a.pk]
    with pytest.raises(NotFound):
        dashboards.organization_view(user=head, period=_period(), department=b.pk)
    with pytest.raises(NotFound):
        dashboards.department_get(user=head, pk=b.pk)
    with pytest.raises(NotFound):
        dashboards.dashboard_scope(user=org["people"][1])  # staff: no dashboards
    with pytest.raises(NotFound):
        dashboards.drill_rows(user=head, period=_period(), figure="open", department=b.pk)


def test_a_head_sees_only_their_departments_items_in_drill_down(org):
    WorkItemFactory(assignee=org["people"][0])
    WorkItemFactory(assignee=org["people"][2])
    rows = dashboards.drill_rows(user=org["people"][0], period=_period(), figure="open")
    assert {row["department_id"] for row in rows} == {org["a"].pk}


def test_reassignment_to_another_department_is_a_pass_back(org, time_machine):
    time_machine.move_to(NOW)
    a, b = org["a"], org["b"]
    moved = WorkItemFactory(assignee=org["people"][0], kind=WorkItemKind.MATTER)
    kept = WorkItemFactory(assignee=org["people"][0], kind=WorkItemKind.COMMENT_REQUEST)
    workitem_reassign(item=moved, to=org["people"][2], actor=org["people"][0])  # A → B
    workitem_reassign(item=kept, to=org["people"][1], actor=org["people"][0])  # within A: no pass-back
    view = dashboards.organization_view(user=org["leader"], period=_period())
    passes = {row["department"]: row["passes"] for row in view["buck_passing"]}
    assert (passes[a.pk], passes[b.pk]) == (1, 0)
    rows = dashboards.drill_rows(user=org["leader"], period=_period(), figure="passes", department=a.pk)
    assert [row["id"] for row in rows] == [moved.pk]


def test_a_feedback_rerouted_away_is_a_pass_back_of_the_department_it_left(org):
    """The office re-routing public feedback before the handler replied cancels the handler's item
    as ``rerouted``: counted for that department; an answered one or a re-routed matter is none."""
    a, b = org["a"], org["b"]
    settled = NOW - timedelta(days=1)
    common = {"status": WorkItemStatus.CANCELLED, "completed_at": settled}
    away = WorkItemFactory(assignee=org["people"][0], kind=WorkItemKind.FEEDBACK, outcome="rerouted", **common)
    WorkItemFactory(assignee=org["people"][0], kind=WorkItemKind.MATTER, outcome="rerouted", **common)
    WorkItemFactory(
        assignee=org["people"][2],
        kind=WorkItemKind.FEEDBACK,
        status=WorkItemStatus.DONE,
        outcome="answered",
        completed_at=settled,
    )
    view = dashboards.organization_view(user=org["leader"], period=_period())
    passes = {row["department"]: row["passes"] for row in view["buck_passing"]}
    assert (passes[a.pk], passes[b.pk]) == (1, 0)
    assert {row["id"]: row["passes"] for row in view["departments"]}[a.pk] == 1
    kinds = {row["kind"]: row["passes"] for row in view["kinds"]}
    assert (kinds[WorkItemKind.FEEDBACK], kinds.get(WorkItemKind.MATTER, 0)) == (1, 0)
    rows = dashboards.drill_rows(user=org["leader"], period=_period(), figure="passes", department=a.pk)
    assert [row["id"] for row in rows] == [away.pk]


def test_a_meeting_decline_is_no_pass_back(org):
    WorkItemFactory(
        assignee=org["people"][0],
        kind=WorkItemKind.MEETING,
        status=WorkItemStatus.DONE,
        outcome="decline",
        completed_at=NOW - timedelta(days=1),
    )
    view = dashboards.organization_view(user=org["leader"], period=_period())
    assert {row["passes"] for row in view["buck_passing"]} == {0}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "nope"}, "to"),
        ({"from": "2026-11-10", "to": "2026-11-01"}, "to"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "to"),
        ({"department": "99999999999999999999"}, "department"),
        ({"department": "\ud800"}, "department"),
    ],
)
def test_bad_parameters_name_the_field(params, field):
    with pytest.raises(ValidationError) as refused:
        dashboards.dashboard_params(params)
    assert field in refused.value.fields


def test_the_default_period_is_the_current_month():
    period, department = dashboards.dashboard_params({}, now=NOW)
    assert (period.start, period.end, department) == (date(2026, 11, 1), date(2026, 11, 20), None)


def test_sort_rows_puts_missing_values_last():
    rows = [{"name": "a", "on_time_rate": None}, {"name": "b", "on_time_rate": 0.5}, {"name": "c", "on_time_rate": 1}]
    assert [r["name"] for r in dashboards.sort_rows(rows, "-on_time_rate")] == ["c", "b", "a"]
    assert [r["name"] for r in dashboards.sort_rows(rows, "on_time_rate")] == ["b", "c", "a"]
    assert dashboards.sort_rows(rows, "bogus") == rows
