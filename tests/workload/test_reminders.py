"""催办 on working-day deadlines: before due, at due, daily overdue, escalation; each exactly once."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from workload.models import ReminderPolicy, WorkItem, WorkItemKind
from workload.reminders import meeting_reminder_times, policy_for, scan_scheduled, scan_work_items
from workload.services import workitem_complete, workitem_open, workitem_reassign
from workload.urging import reminder_schedule, reminders_cancel

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(d, hh, mm=0):
    return datetime(2026, 3, d, hh, mm, tzinfo=SH)


@pytest.fixture
def item(user, head, office, office_member, leader, department):
    office.head = office_member
    office.save()
    with time_machine.travel(at(2, 10), tick=False):
        return workitem_open(
            assignee=user,
            kind=WorkItemKind.TASK,
            target=department,
            title="报送季度统计",
            due_at=at(4, 17, 30),
            assigned_by=leader,
        )


def sent(kind=None, recipient=None):
    qs = Notification.objects.exclude(kind=NotificationKind.ASSIGNED)
    if kind:
        qs = qs.filter(kind=kind)
    if recipient:
        qs = qs.filter(recipient=recipient)
    return qs.count()


def test_first_reminder_is_eight_working_hours_before_due(item):
    # Wednesday 17:30 minus 8 working hours: all 7 of Wednesday, then 1 of Tuesday afternoon.
    assert timezone.localtime(item.next_reminder_at) == at(3, 16, 30)


def test_the_whole_cycle_sends_each_stage_once(item, user, head, office_member, leader):
    assert scan_work_items(now=at(3, 16)) == 0  # nothing due yet
    assert scan_work_items(now=at(3, 16, 31)) == 1
    assert sent(NotificationKind.REMINDER, user) == 1
    assert scan_work_items(now=at(3, 16, 32)) == 0  # moved on to the due moment
    scan_work_items(now=at(4, 17, 31))
    assert sent(NotificationKind.OVERDUE, user) == 1  # "due now"
    scan_work_items(now=at(5, 9))  # the first morning overdue: 15 hours 30 minutes of working time
    assert sent(NotificationKind.OVERDUE, user) == 2
    assert sent(NotificationKind.ESCALATION) == 0
    scan_work_items(now=at(6, 9))  # one working day 15 hours: not yet two
    assert sent(NotificationKind.ESCALATION) == 0
    scan_work_items(now=at(9, 9))  # Monday: two working days 15 hours (the weekend does not count)
    assert sent(NotificationKind.ESCALATION, head) == 1
    assert WorkItem.objects.get(pk=item.pk).escalation_level == 1
    scan_work_items(now=at(10, 9))  # three
    assert sent(NotificationKind.ESCALATION) == 1
    scan_work_items(now=at(11, 9))  # four: the office and the assigner
    assert sent(NotificationKind.ESCALATION, office_member) == 1
    assert sent(NotificationKind.ESCALATION, leader) == 1
    assert WorkItem.objects.get(pk=item.pk).escalation_level == 2
    assert sent(NotificationKind.OVERDUE, user) == 6


def test_running_twice_or_late_never_duplicates(item, user):
    scan_work_items(now=at(3, 16, 31))
    WorkItem.objects.filter(pk=item.pk).update(next_reminder_at=at(3, 16, 30))  # a replayed scan
    scan_work_items(now=at(3, 16, 31))
    assert sent(NotificationKind.REMINDER, user) == 1


def test_closed_items_are_not_reminded(item, user):
    workitem_complete(item=item, actor=user)
    assert scan_work_items(now=at(10, 9)) == 0
    assert sent() == 0


def test_reassigning_starts_the_cycle_for_the_new_holder(item, user, head):
    scan_work_items(now=at(3, 16, 31))
    with time_machine.travel(at(3, 17), tick=False):
        workitem_reassign(item=item, to=head, actor=user, reason="请处长亲自办理")
    scan_work_items(now=at(4, 17, 31))
    assert sent(NotificationKind.OVERDUE, head) == 1
    assert sent(NotificationKind.OVERDUE, user) == 0


def test_short_deadline_skips_the_before_reminder(user, department, leader):
    with time_machine.travel(at(2, 10), tick=False):
        urgent = workitem_open(
            assignee=user,
            kind=WorkItemKind.TASK,
            target=department,
            title="立即报送",
            due_at=at(2, 11),
            assigned_by=leader,
        )
    assert timezone.localtime(urgent.next_reminder_at) == at(2, 11)


def test_policy_resolution_prefers_the_most_specific_row():
    assert policy_for("matter", "extra_urgent").remind_before_hours == 2  # the default 特急 row
    ReminderPolicy.objects.create(kind="matter", urgency="", remind_before_hours=16)
    ReminderPolicy.objects.create(kind="matter", urgency="extra_urgent", remind_before_hours=1)
    assert policy_for("matter", "normal").remind_before_hours == 16
    assert policy_for("matter", "extra_urgent").remind_before_hours == 1
    assert policy_for("approval", "normal").remind_before_hours == 8


def test_extra_urgent_escalates_to_office_after_one_working_day(user, department, leader, office, office_member, head):
    office.head = office_member
    office.save()
    with time_machine.travel(at(2, 10), tick=False):
        workitem_open(
            assignee=user,
            kind=WorkItemKind.TASK,
            target=department,
            title="特急件",
            due_at=at(2, 17, 30),
            urgency="extra_urgent",
            assigned_by=leader,
        )
    scan_work_items(now=at(3, 9))  # 15 hours 30 minutes of working time overdue: not yet a day
    assert sent(NotificationKind.ESCALATION) == 0
    scan_work_items(now=at(4, 9))
    assert sent(NotificationKind.ESCALATION, head) == 1
    assert sent(NotificationKind.ESCALATION, office_member) == 1


def test_scheduled_reminders_for_a_meeting(user, head, department):
    start = at(10, 9, 30)  # Tuesday
    assert meeting_reminder_times(start) == [at(9, 9, 30), at(10, 9)]
    with time_machine.travel(at(2, 10), tick=False):
        made = reminder_schedule(
            target=department, recipients=[user, head], at=meeting_reminder_times(start), title="处务会"
        )
        again = reminder_schedule(
            target=department, recipients=[user, head], at=meeting_reminder_times(start), title="处务会"
        )
    assert len(made) == 4 and again == []
    assert scan_scheduled(now=at(9, 9, 29)) == 0
    assert scan_scheduled(now=at(9, 9, 30)) == 2
    assert scan_scheduled(now=at(9, 9, 31)) == 0
    reminders_cancel(target=department, recipients=[head])
    assert scan_scheduled(now=at(10, 9)) == 1
    assert sent(NotificationKind.REMINDER, user) == 2
    assert sent(NotificationKind.REMINDER, head) == 1


def test_built_in_defaults_apply_when_the_policy_table_is_empty():
    ReminderPolicy.objects.all().delete()
    assert policy_for("matter", "extra_urgent").remind_before_hours == 2
    assert policy_for("matter", "urgent").escalate_to_office_after_days == 2
    assert policy_for("matter", "normal").remind_before_hours == 8


def test_a_scan_costs_a_fixed_number_of_queries(user, leader, department, django_assert_num_queries):
    from django.db import connection

    from notifications.models import EmailDelivery

    def make(n, day):
        with time_machine.travel(at(day, 10), tick=False):
            for i in range(n):
                workitem_open(
                    assignee=user,
                    kind=WorkItemKind.TASK,
                    target=department,
                    title=f"批量{i}",
                    due_at=at(day, 11),
                    assigned_by=leader,
                )

    # 1 claim the due rows, 2 policies, 3 department heads, 4 office heads, 5 keys already sent,
    # 6 insert the notifications, 7 e-mail preferences, 8 insert the e-mails, 9 robot routes, then moving the items
    # on: one bulk update with row locks (PostgreSQL), one conditional update per item without
    # (SQLite); plus 6 savepoint statements (the scan, the batch insert and its fallback guard).
    per_item = 0 if connection.features.has_select_for_update_skip_locked else 1
    make(5, 2)
    with django_assert_num_queries(15 + (1 if per_item == 0 else 5)):
        assert scan_work_items(now=at(2, 11, 1)) == 5
    make(50, 3)  # the first five are overdue by then too
    with django_assert_num_queries(15 + (1 if per_item == 0 else 55)):
        assert scan_work_items(now=at(3, 11, 1)) == 55
    assert EmailDelivery.objects.filter(notification__kind=NotificationKind.OVERDUE).count() == 60
