"""Unanswered invitations stop at the meeting's start: the reply item closes as "no reply", quietly,
and the ledger never sends "due now", overdue notices or escalations about a meeting that has begun.
Time is moved with time-machine and the scanners are called directly (as test_reminders.py does)."""

import importlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps

from config.celery import app
from core.audit import AuditEvent
from meetings.models import Attendee, AttendeeResponse, Meeting
from meetings.services import NO_REPLY_OUTCOME, invitations_lapse, meeting_reschedule
from meetings.services_followup import attendance_respond
from meetings.tasks import lapse_invitations
from notifications.models import Notification, NotificationKind
from tests.factories import UserFactory
from workload.models import WorkItem, WorkItemKind, WorkItemStatus
from workload.reminders import scan_work_items

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(d, hh, mm=0):
    """March 2026: the 2nd is a Monday; no holidays in the month."""
    return datetime(2026, 3, d, hh, mm, tzinfo=SH)


@pytest.fixture(autouse=True)
def reply_policy(db):
    """The meeting kind's policy row, as its data migration makes it (a flushed test database may
    have lost it)."""
    importlib.import_module("meetings.migrations.0004_meeting_reply_policy").create(apps, None)


@pytest.fixture
def colleague(department):
    return UserFactory(username="colleague", name="冯同事", department=department)


@pytest.fixture
def meeting(book, attendee, outsider, room):
    """Tuesday the 10th, 09:30–10:30, scheduled on Monday the 2nd; ``outsider`` accepts."""
    with time_machine.travel(at(2, 10), tick=False):
        meeting = book(at(10, 9, 30), at(10, 10, 30), room=room, attendees=[attendee, outsider], title="处务会")
        attendance_respond(actor=outsider, meeting=meeting, response="accept")
    return meeting


def reply_item(meeting, person):
    return WorkItem.objects.get(target_id=meeting.pk, assignee=person, kind=WorkItemKind.MEETING)


def lapse(now):
    with time_machine.travel(now, tick=False):
        return invitations_lapse(now=now)


def test_nothing_lapses_before_the_start(meeting, attendee):
    assert lapse(at(10, 9, 29)) == 0
    assert reply_item(meeting, attendee).status == WorkItemStatus.OPEN


def test_an_unanswered_invitation_closes_quietly_at_the_start(meeting, attendee, outsider):
    assert lapse(at(10, 9, 30)) == 1
    item = reply_item(meeting, attendee)
    assert (item.status, item.outcome) == (WorkItemStatus.CANCELLED, NO_REPLY_OUTCOME)
    assert item.completed_at == at(10, 9, 30)
    assert reply_item(meeting, outsider).outcome == "accept"  # answered: untouched
    # The reply stays "no reply yet" on the meeting; nobody is sent a withdrawal.
    assert Attendee.objects.get(meeting=meeting, user=attendee).response == AttendeeResponse.PENDING
    assert not Notification.objects.filter(kind=NotificationKind.CANCELLED).exists()
    event = AuditEvent.objects.for_target(meeting).get(verb="meeting.replies_lapse")
    assert event.data == {"no_reply": [attendee.pk]}
    assert AuditEvent.objects.filter(verb="workitem.cancelled", target_id=item.pk).exists()
    assert lapse(at(10, 9, 31)) == 0  # once


def test_the_ledger_reminds_before_the_start_and_never_after(meeting, attendee, organizer, department):
    department.head = UserFactory(username="head", department=department)
    department.save()
    scan_work_items(now=at(9, 9, 30))  # eight working hours before: "please reply"
    assert Notification.objects.filter(recipient=attendee, kind=NotificationKind.REMINDER).count() == 1
    # The scanner may run at the start before the lapse task does: still no "due now".
    scan_work_items(now=at(10, 9, 30))
    lapse(at(10, 9, 31))
    for day in (10, 11, 12, 13, 16, 17, 18, 19):
        scan_work_items(now=at(day, 17))
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert not kinds & {NotificationKind.OVERDUE, NotificationKind.ESCALATION}


def test_the_meeting_reply_policy_sends_no_due_or_overdue_notice(meeting, attendee):
    # Even before the lapse task has run (the two beat entries are not ordered): the policy of the
    # meeting kind (migration meetings/0004) has no "due now" and no daily overdue reminder.
    for day in (10, 11, 12):
        scan_work_items(now=at(day, 9, 30))
    assert not Notification.objects.filter(kind=NotificationKind.OVERDUE).exists()


def test_a_delegate_who_never_acknowledged_lapses_too(meeting, attendee, colleague):
    with time_machine.travel(at(3, 10), tick=False):
        attendance_respond(actor=attendee, meeting=meeting, response="delegate", delegate=colleague)
    assert lapse(at(10, 9, 30)) == 1
    assert reply_item(meeting, colleague).outcome == NO_REPLY_OUTCOME
    assert reply_item(meeting, attendee).outcome == "delegate"


def test_a_meeting_moved_later_keeps_its_invitations_open(meeting, attendee, organizer):
    with time_machine.travel(at(3, 10), tick=False):
        meeting_reschedule(actor=organizer, meeting=meeting, start=at(12, 14), end=at(12, 15))
    assert lapse(at(10, 9, 30)) == 0
    assert lapse(at(12, 14)) == 1


def test_a_cancelled_meeting_has_nothing_left_to_lapse(meeting, organizer):
    from meetings.services import meeting_cancel

    with time_machine.travel(at(3, 10), tick=False):
        meeting_cancel(actor=organizer, meeting=Meeting.objects.get(pk=meeting.pk))
    assert lapse(at(10, 9, 30)) == 0


def test_the_task_runs_every_minute_from_beat(meeting, attendee):
    entry = app.conf.beat_schedule["lapse-meeting-invitations"]
    assert entry["task"] == "meetings.tasks.lapse_invitations"
    with time_machine.travel(at(10, 9, 45), tick=False):
        assert lapse_invitations.apply().get() == 1
    assert reply_item(meeting, attendee).outcome == NO_REPLY_OUTCOME
