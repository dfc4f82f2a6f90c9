"""Overdue in working time: "逾期 N 个工作日" and the escalation thresholds count working time elapsed
since the deadline on the calendar (weekends, statutory holidays and local days off do not count;
a 调休 working Saturday does), not calendar dates."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from core import calendar
from notifications import messages
from notifications.models import Notification, NotificationKind
from workload.models import WorkItem, WorkItemKind
from workload.reminders import (
    Policy,
    escalation_level,
    overdue_words,
    policy_for,
    process_item,
    scan_work_items,
    working_moment_after,
)
from workload.reminders import _Org as Org
from workload.services import workitem_open

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
URGENT = Policy(remind_before_hours=4, escalate_to_head_after_days=1, escalate_to_office_after_days=2)


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
def org(office, office_member, head):
    office.head = office_member
    office.save()
    return Org.load()


def open_item(user, department, leader, *, due_at, urgency="normal", opened_at=None):
    with time_machine.travel(opened_at or due_at - timedelta(days=1), tick=False):
        return workitem_open(
            assignee=user,
            kind=WorkItemKind.TASK,
            target=department,
            title="报送材料",
            due_at=due_at,
            urgency=urgency,
            assigned_by=leader,
        )


def escalations(recipient=None):
    qs = Notification.objects.filter(kind=NotificationKind.ESCALATION)
    return qs.filter(recipient=recipient).count() if recipient else qs.count()


def test_words_say_working_days_and_hours():
    with translation.override("en"):
        assert overdue_words(timedelta(days=2, hours=1)) == "2 working days 1 hour"
        assert overdue_words(timedelta(minutes=5)) == "5 minutes"
    with translation.override("zh-hans"):
        assert overdue_words(timedelta(days=1, hours=20, minutes=35)) == "1 个工作日 20 小时"


def test_friday_to_tuesday_is_one_working_day_and_twenty_hours(user, department, leader, org, head, office_member):
    """Due Friday 17:30; on Tuesday 14:05 an urgent (加急) item is 1 working day 20 h 35 min overdue:
    the head is told (after 1 working day), the office not yet (after 2)."""
    item = open_item(user, department, leader, due_at=at(2026, 3, 6, 17, 30), urgency="urgent")
    now = at(2026, 3, 10, 14, 5)
    overdue = calendar.working_elapsed(item.due_at, now)
    assert overdue == timedelta(days=1, hours=20, minutes=35)
    assert escalation_level(overdue, URGENT) == 1
    item = WorkItem.objects.select_related("assignee", "assigned_by").get(pk=item.pk)
    specs, next_at, level = process_item(item, now=now, policy=policy_for(item.kind, item.urgency), org=org)
    assert level == 1
    escalated = [s for s in specs if s.kind == NotificationKind.ESCALATION]
    assert [s.recipient for s in escalated] == [head]
    assert "1 个工作日 20 小时" in messages.render(escalated[0].message, escalated[0].params, language="zh-hans")[1]
    # The office threshold (2 working days) is crossed at Tuesday 17:30, after working hours: the
    # scanner looks again at the start of Wednesday.
    assert timezone.localtime(next_at) == at(2026, 3, 11, 9)


def test_the_scanner_across_a_weekend(user, department, leader, org, head, office_member):
    item = open_item(user, department, leader, due_at=at(2026, 3, 6, 17, 30), urgency="urgent")
    for moment in (at(2026, 3, 6, 17, 31), at(2026, 3, 9, 9), at(2026, 3, 10, 9)):
        scan_work_items(now=moment)
    assert escalations(head) == 1  # Tuesday 09:00: 1 working day 15 h 30 min
    assert scan_work_items(now=at(2026, 3, 10, 14, 5)) == 0
    assert escalations(office_member) == 0
    assert WorkItem.objects.get(pk=item.pk).escalation_level == 1
    daily = Notification.objects.filter(kind=NotificationKind.OVERDUE, message="reminder.overdue").order_by("pk")
    assert [n.render("zh-hans")[1] for n in daily] == ["已逾期 15 小时。", "已逾期 1 个工作日 15 小时。"]
    # The same notification reads in English to an English reader.
    assert daily[0].render("en")[1] == "Overdue by 15 hours."
    scan_work_items(now=at(2026, 3, 11, 9))
    assert escalations(office_member) == 1


def test_a_statutory_holiday_does_not_count(user, department, leader, org, head, office_member):
    """Due Wednesday 2026-09-30 17:30, before 国庆 (1–7 October): on Thursday 8 October the item is
    15 h 30 min overdue, not eight days; a normal item's head is told after 2 working days."""
    item = open_item(user, department, leader, due_at=at(2026, 9, 30, 17, 30))
    assert calendar.working_elapsed(item.due_at, at(2026, 10, 8, 9)) == timedelta(hours=15, minutes=30)
    scan_work_items(now=at(2026, 9, 30, 17, 31))
    item.refresh_from_db()
    assert timezone.localtime(item.next_reminder_at) == at(2026, 10, 8, 9)  # the first working morning
    scan_work_items(now=at(2026, 10, 8, 9))
    scan_work_items(now=at(2026, 10, 9, 9))
    assert escalations() == 0


def test_a_make_up_saturday_counts(user, department, leader, org, head, office_member):
    """Saturday 2026-10-10 is a 调休 working day: the item is reminded that morning and its working
    time runs on (2 working days 15 h 30 min), so the head is told then, not on Monday."""
    assert calendar.is_workday(at(2026, 10, 10).date())
    item = open_item(user, department, leader, due_at=at(2026, 9, 30, 17, 30))
    for moment in (at(2026, 9, 30, 17, 31), at(2026, 10, 8, 9), at(2026, 10, 9, 9)):
        scan_work_items(now=moment)
    item.refresh_from_db()
    assert timezone.localtime(item.next_reminder_at) == at(2026, 10, 10, 9)
    scan_work_items(now=at(2026, 10, 10, 9))
    assert escalations(head) == 1
    assert calendar.working_elapsed(item.due_at, at(2026, 10, 12, 9)) == timedelta(days=3, hours=15, minutes=30)


def test_an_escalation_threshold_inside_working_hours_is_met_on_time(user, department, leader, org, head):
    """Due Monday 12:00, extra urgent (特急: head and office after 1 working day): the threshold is
    crossed on Tuesday at 12:00, in the lunch break, so the scanner looks at 13:30, not Wednesday."""
    item = open_item(user, department, leader, due_at=at(2026, 3, 2, 12), urgency="extra_urgent")
    scan_work_items(now=at(2026, 3, 2, 12, 1))
    scan_work_items(now=at(2026, 3, 3, 9))
    item.refresh_from_db()
    assert escalations() == 0
    assert timezone.localtime(item.next_reminder_at) == at(2026, 3, 3, 13, 30)
    scan_work_items(now=at(2026, 3, 3, 13, 30))
    assert escalations(head) == 1
    assert WorkItem.objects.get(pk=item.pk).escalation_level == 2


def test_working_moment_after_is_the_inverse_of_working_elapsed():
    start = at(2026, 9, 30, 17, 30)
    for elapsed in (timedelta(hours=1), timedelta(days=1), timedelta(days=2, hours=3), timedelta(days=4)):
        moment = working_moment_after(start, elapsed)
        assert calendar.working_elapsed(start, moment) == elapsed
    assert working_moment_after(start, timedelta(days=1)) == at(2026, 10, 8, 17, 30)
    assert working_moment_after(at(2026, 3, 6, 17, 30), timedelta(days=2)) == at(2026, 3, 10, 17, 30)


def test_zero_days_escalates_as_soon_as_overdue():
    policy = Policy(escalate_to_head_after_days=0, escalate_to_office_after_days=3)
    assert escalation_level(timedelta(0), policy) == 0
    assert escalation_level(timedelta(minutes=1), policy) == 1
    assert escalation_level(timedelta(days=3), policy) == 2


def test_the_item_page_says_overdue_in_working_time(client_of, user, department, leader):
    item = open_item(user, department, leader, due_at=at(2026, 3, 6, 17, 30))
    with time_machine.travel(at(2026, 3, 10, 14, 5), tick=False):
        english = client_of(user).get(reverse("workload:item_detail", args=[item.pk]), headers=EN).content.decode()
        chinese = client_of(user).get(reverse("workload:item_detail", args=[item.pk])).content.decode()
    assert "overdue by 1 working day 20 hours" in english
    assert "已逾期 1 个工作日 20 小时" in chinese
