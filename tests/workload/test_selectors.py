"""The desk's reads: the order of 待办, the tab counts, and who may see an item."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.utils import timezone

from core.enums import Priority, Urgency
from tests.factories import NotificationFactory, UserFactory, WorkItemFactory
from workload import selectors
from workload.models import WorkItem, WorkItemStatus
from workload.selectors import (
    desk_counts,
    desk_rows,
    desk_summary,
    workitem_get,
    workitems_assigned_by,
    workitems_done,
    workitems_todo,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    """The clock frozen at the real present: the database's NOW() and Python's agree on what is overdue."""
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        yield start


def titles(qs):
    return [item.title for item in qs]


def test_todo_puts_overdue_first_then_urgency_then_priority_then_due(user, now):
    day = timedelta(days=1)
    make = WorkItemFactory.create
    make(assignee=user, title="normal routine, due tomorrow", due_at=now + day)
    make(assignee=user, title="overdue routine", due_at=now - timedelta(hours=2))
    make(assignee=user, title="overdue extra urgent", due_at=now - timedelta(hours=1), urgency=Urgency.EXTRA_URGENT)
    make(assignee=user, title="extra urgent, due in 3 days", due_at=now + 3 * day, urgency=Urgency.EXTRA_URGENT)
    make(assignee=user, title="urgent routine", due_at=now + day, urgency=Urgency.URGENT)
    make(assignee=user, title="urgent key", due_at=now + 2 * day, urgency=Urgency.URGENT, priority=Priority.KEY)
    make(assignee=user, title="normal secondary", due_at=now + 4 * day, priority=Priority.SECONDARY)
    make(assignee=user, title="normal key", due_at=now + 5 * day, priority=Priority.KEY)
    make(assignee=user, title="normal routine, due in 2 days", due_at=now + 2 * day)

    assert titles(workitems_todo(user=user)) == [
        "overdue extra urgent",
        "overdue routine",
        "extra urgent, due in 3 days",
        "urgent key",
        "urgent routine",
        "normal key",
        "normal secondary",
        "normal routine, due tomorrow",
        "normal routine, due in 2 days",
    ]


def test_todo_puts_items_without_a_deadline_after_dated_ones(user, now):
    WorkItemFactory(assignee=user, title="no deadline", due_at=None)
    WorkItemFactory(assignee=user, title="due next week", due_at=now + timedelta(days=7))
    assert titles(workitems_todo(user=user)) == ["due next week", "no deadline"]


def test_todo_holds_only_the_persons_open_items_and_filters_by_kind(user):
    mine = WorkItemFactory(assignee=user, title="mine")
    WorkItemFactory(assignee=user, title="meeting", kind="meeting")
    WorkItemFactory(assignee=user, title="closed", status=WorkItemStatus.DONE, completed_at=timezone.now())
    WorkItemFactory(title="someone else's")
    assert set(titles(workitems_todo(user=user))) == {"mine", "meeting"}
    assert list(workitems_todo(user=user, kind="task")) == [mine]


def test_done_lists_completed_items_most_recent_first(user, now):
    WorkItemFactory(assignee=user, title="earlier", status=WorkItemStatus.DONE, completed_at=now - timedelta(days=2))
    WorkItemFactory(assignee=user, title="later", status=WorkItemStatus.DONE, completed_at=now - timedelta(hours=1))
    WorkItemFactory(assignee=user, title="withdrawn", status=WorkItemStatus.CANCELLED, completed_at=now)
    WorkItemFactory(assignee=user, title="open")
    assert titles(workitems_done(user=user)) == ["later", "earlier"]


def test_assigned_by_lists_what_the_person_asked_others_to_do(user, head, now):
    WorkItemFactory(assignee=user, assigned_by=head, title="older", created_at=now - timedelta(days=1))
    WorkItemFactory(assignee=user, assigned_by=head, title="newer", created_at=now)
    WorkItemFactory(assignee=head, assigned_by=head, title="to myself")
    WorkItemFactory(assignee=head, assigned_by=user, title="the other way")
    assert titles(workitems_assigned_by(user=head)) == ["newer", "older"]


def test_desk_counts_in_one_query(user, head, now, django_assert_num_queries):
    WorkItemFactory.create_batch(3, assignee=user, due_at=now + timedelta(days=1))
    WorkItemFactory.create_batch(2, assignee=user, due_at=now - timedelta(hours=3))
    WorkItemFactory(assignee=user, status=WorkItemStatus.DONE, completed_at=now)
    WorkItemFactory(assignee=user, status=WorkItemStatus.CANCELLED, completed_at=now)
    WorkItemFactory(assignee=head, assigned_by=user)
    WorkItemFactory(assignee=head, assigned_by=user, status=WorkItemStatus.DONE, completed_at=now)
    WorkItemFactory(assignee=user, assigned_by=user)  # to oneself: a to-do, not "assigned by me"
    WorkItemFactory()  # someone else's

    with django_assert_num_queries(1):  # one aggregate over the person's and assigned rows
        counts = desk_counts(user=user)

    assert counts == {"todo": 6, "overdue": 2, "done": 1, "assigned": 1}


def test_desk_counts_of_a_newcomer_are_zero(user):
    assert desk_counts(user=user) == {"todo": 0, "overdue": 0, "done": 0, "assigned": 0}


def test_desk_summary_adds_the_pagers_totals_and_the_bell_in_the_same_query(user, head, now, django_assert_num_queries):
    WorkItemFactory.create_batch(2, assignee=user, kind="task")
    WorkItemFactory(assignee=user, kind="meeting", due_at=now - timedelta(hours=1))
    WorkItemFactory(assignee=user, kind="task", status=WorkItemStatus.DONE, completed_at=now)
    WorkItemFactory(assignee=head, assigned_by=user, kind="task")
    WorkItemFactory(assignee=head, assigned_by=user, kind="task", status=WorkItemStatus.CANCELLED, completed_at=now)
    NotificationFactory.create_batch(2, recipient=user)
    NotificationFactory(recipient=user, read_at=now)

    with django_assert_num_queries(1):
        everything = desk_summary(user=user, now=now)
    with django_assert_num_queries(1):
        tasks = desk_summary(user=user, now=now, kind="task")

    badges = {"todo": 3, "overdue": 1, "done": 1, "assigned": 1, "unread": 2}
    assert everything == {**badges, "listed_todo": 3, "listed_done": 1, "listed_assigned": 2}
    assert tasks == {**badges, "listed_todo": 2, "listed_done": 1, "listed_assigned": 2}


@pytest.mark.parametrize("kind", [None, "task"])
@pytest.mark.parametrize("tab", ["todo", "done", "assigned"])
def test_desk_rows_are_the_lists_rows_in_the_lists_order(user, head, now, tab, kind):
    day = timedelta(days=1)
    for n in range(12):
        WorkItemFactory(
            assignee=user,
            assigned_by=head if n % 3 else None,
            kind="task" if n % 2 else "meeting",
            due_at=None if n % 5 == 0 else now + (n - 6) * day,
            urgency=Urgency.values[n % 3],
            priority=Priority.values[n % 3],
        )
        WorkItemFactory(assignee=user, kind="task", status=WorkItemStatus.DONE, completed_at=now - n * day)
        WorkItemFactory(assignee=head, assigned_by=user, kind="task" if n % 2 else "meeting")
    lists = {
        "todo": workitems_todo(user=user, kind=kind, now=now),
        "done": workitems_done(user=user, kind=kind),
        "assigned": workitems_assigned_by(user=user, kind=kind),
    }
    expected = [item.pk for item in lists[tab]]

    rows = desk_rows(user=user, tab=tab, kind=kind, now=now)
    pages = [list(rows[start : start + 5]) for start in (0, 5, 10)]

    assert [row["id"] for page in pages for row in page] == expected
    first = pages[0][0]
    item = WorkItem.objects.select_related("assigned_by").get(pk=first["id"])
    assert (first["title"], first["due_at"], first["status"]) == (item.title, item.due_at, item.status)
    assert selectors.person_name(first, "assigned_by") == (item.assigned_by.display_name if item.assigned_by else None)


def test_rank_columns_follow_every_write_including_queryset_updates(user):
    # The database keeps the stored sort keys: save(), bulk_create() and update() alike.
    item = WorkItemFactory(assignee=user, urgency=Urgency.NORMAL, priority=Priority.ROUTINE)
    [bulk] = WorkItem.objects.bulk_create(
        [WorkItem(assignee=user, kind="task", target_type=item.target_type, target_id=1, urgency="urgent")]
    )
    ranks = dict(WorkItem.objects.values_list("pk", "urgency_rank"))
    assert (ranks[item.pk], ranks[bulk.pk]) == (2, 1)
    WorkItem.objects.filter(pk=item.pk).update(urgency=Urgency.EXTRA_URGENT, priority=Priority.KEY)
    assert WorkItem.objects.values_list("urgency_rank", "priority_rank").get(pk=item.pk) == (0, 0)


def test_todo_reads_the_persons_open_rows_through_an_index(user, now):
    if connection.vendor != "sqlite":
        pytest.skip("the plan is worded by SQLite")
    WorkItemFactory.create_batch(3, assignee=user)
    plan = str(workitems_todo(user=user, now=now).explain())
    # The person's open rows only (assignee and status from an index), never the whole ledger.
    assert re.search(r"SEARCH workload_workitem USING INDEX wi_\w+ \(assignee_id=\? AND status=\?", plan)
    assert "SCAN workload_workitem" not in plan


def test_workitem_get_is_404_for_outsiders(user, head):
    item = WorkItemFactory(assignee=head)
    with pytest.raises(Http404):
        workitem_get(user=user, pk=item.pk)


def test_workitem_get_serves_assignee_assigner_and_the_office(user, head, office_member):
    item = WorkItemFactory(assignee=user, assigned_by=head)
    assert workitem_get(user=user, pk=item.pk) == item
    assert workitem_get(user=head, pk=item.pk) == item
    assert workitem_get(user=office_member, pk=item.pk) == item
    assert workitem_get(user=UserFactory(department=office_member.department), pk=item.pk) == item


def test_desk_summary_counts_only_the_pager_totals_of_the_tabs_asked_for(user, head, now, django_assert_num_queries):
    # The desk asks for the tab it shows: the other tabs' totals are not counted (fewer subqueries),
    # and the badges and the bell are the same whichever tab it is.
    WorkItemFactory.create_batch(2, assignee=user, kind="task")
    WorkItemFactory(assignee=user, kind="meeting", due_at=now - timedelta(hours=1))
    WorkItemFactory(assignee=head, assigned_by=user, kind="task")
    WorkItemFactory(assignee=head, assigned_by=user, kind="task", status=WorkItemStatus.CANCELLED, completed_at=now)
    NotificationFactory(recipient=user)
    badges = {"todo": 3, "overdue": 1, "done": 0, "assigned": 1, "unread": 1}

    with django_assert_num_queries(1):
        assigned = desk_summary(user=user, now=now, tabs=["assigned"])
    with django_assert_num_queries(1):
        todo_tasks = desk_summary(user=user, now=now, kind="task", tabs=["todo"])

    assert assigned == {**badges, "listed_assigned": 2}
    assert todo_tasks == {**badges, "listed_todo": 2}
    assert desk_summary(user=user, now=now, tabs=["todo"]) == {**badges, "listed_todo": 3}
    assert desk_summary(user=user, now=now, tabs=()) == badges
    # Each person's own figures: the summary kept per process is narrowed to the one asking.
    assert desk_summary(user=head, now=now, tabs=["todo"]) == {
        "todo": 1, "overdue": 0, "done": 0, "assigned": 0, "unread": 0, "listed_todo": 1,
    }  # fmt: skip


@pytest.mark.parametrize("tab", ["todo", "done", "assigned"])
def test_desk_rows_hold_what_each_tab_draws(user, head, now, tab):
    WorkItemFactory(assignee=user, assigned_by=head)
    WorkItemFactory(assignee=user, assigned_by=head, status=WorkItemStatus.DONE, completed_at=now)
    WorkItemFactory(assignee=head, assigned_by=user)

    [row] = desk_rows(user=user, tab=tab, now=now)

    assert set(row) == set(selectors.DESK_FIELDS[tab]) <= set(selectors.ROW_FIELDS)
    assert selectors.person_name(row, "assigned_by") == (head if tab != "assigned" else user).display_name
    if tab == "assigned":
        assert selectors.person_name(row, "assignee") == head.display_name
        assert {"completed_at", "last_urged_at"} <= set(row)
    if tab == "todo":
        assert "completed_at" not in row  # open rows: no completion time to show


def test_desk_rows_refuse_a_tab_that_is_not_one():
    with pytest.raises(ValueError, match="no tab"):
        desk_rows(user=UserFactory(), tab="everything", now=timezone.now())
