"""Reminders before meetings (one working day and 30 minutes before, by default), moved by a
reschedule, withdrawn by a cancellation or a decline; and the change and cancellation notices,
through every channel each person chose. Time is moved with time-machine, the scanner called
directly (as in tests/workload/test_reminders.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from core.enums import Classification
from meetings.models import Attendee, AttendeeResponse, Meeting
from meetings.reminders import meeting_reminders_sync, reminder_times
from meetings.services import meeting_cancel, meeting_reschedule
from notifications import delivery, robots
from notifications.models import EmailDelivery, Notification, NotificationKind, RobotDelivery, RobotRoute, RobotWebhook
from tests.factories import UserFactory
from workload.models import ScheduledReminder
from workload.reminders import scan_scheduled

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(d, hh, mm=0):
    """March 2026: the 2nd is a Monday; no holidays in the month."""
    return datetime(2026, 3, d, hh, mm, tzinfo=SH)


@pytest.fixture
def meeting(book, attendee, room):
    """Tuesday the 10th, 09:30–10:30, scheduled on Monday the 2nd."""
    with time_machine.travel(at(2, 10), tick=False):
        return book(at(10, 9, 30), at(10, 10, 30), room=room, attendees=[attendee], title="处务会")


def reminders(person=None):
    qs = Notification.objects.filter(kind=NotificationKind.REMINDER)
    if person is not None:
        qs = qs.filter(recipient=person)
    return qs


def test_default_moments_are_one_working_day_and_thirty_minutes_before():
    assert reminder_times(at(10, 9, 30)) == [at(9, 9, 30), at(10, 9)]
    assert reminder_times(at(9, 9, 30)) == [at(6, 9, 30), at(9, 9)]  # Monday: the Friday before


def test_the_moments_are_settings(settings):
    settings.MEETING_REMINDER_WORKING_DAYS = 2
    settings.MEETING_REMINDER_MINUTES = 0
    assert reminder_times(at(10, 9, 30)) == [at(6, 9, 30)]


def test_attendees_are_reminded_a_day_and_half_an_hour_before(meeting, attendee, organizer):
    assert scan_scheduled(now=at(9, 9, 29)) == 0
    assert scan_scheduled(now=at(9, 9, 30)) == 1
    assert scan_scheduled(now=at(9, 9, 31)) == 0  # each once
    assert scan_scheduled(now=at(10, 9)) == 1
    assert reminders(attendee).count() == 2
    assert not reminders(organizer).exists()  # the organizer is not an attendee here
    notice = reminders(attendee).first()
    title, body = notice.render()
    assert title == "处务会" and "2026-03-10 09:30" in body and "第一会议室" in body
    assert notice.target_id == meeting.pk and notice.classification == meeting.classification


def test_rescheduling_moves_the_reminders(meeting, attendee, organizer):
    with time_machine.travel(at(3, 10), tick=False):
        meeting_reschedule(actor=organizer, meeting=meeting, start=at(11, 14), end=at(11, 15))
    assert scan_scheduled(now=at(10, 9, 59)) == 0  # the old moments are withdrawn
    assert scan_scheduled(now=at(10, 14)) == 1
    assert scan_scheduled(now=at(11, 13, 30)) == 1
    assert reminders(attendee).count() == 2


def test_moving_back_to_the_first_time_brings_its_reminders_back(meeting, attendee, organizer):
    with time_machine.travel(at(3, 10), tick=False):
        meeting_reschedule(actor=organizer, meeting=meeting, start=at(11, 14), end=at(11, 15))
        meeting_reschedule(
            actor=organizer, meeting=Meeting.objects.get(pk=meeting.pk), start=at(10, 9, 30), end=at(10, 10, 30)
        )
    assert scan_scheduled(now=at(10, 9)) == 2
    assert scan_scheduled(now=at(11, 14)) == 0


def test_a_new_title_reaches_the_reminder(meeting, attendee, organizer):
    with time_machine.travel(at(3, 10), tick=False):
        meeting_reschedule(actor=organizer, meeting=meeting, title="处务会（扩大）")
    scan_scheduled(now=at(9, 9, 30))
    assert reminders(attendee).get().render()[0] == "处务会（扩大）"


def test_cancelling_withdraws_every_reminder(meeting, attendee, organizer):
    with time_machine.travel(at(3, 10), tick=False):
        meeting_cancel(actor=organizer, meeting=meeting, reason="改期")
    assert scan_scheduled(now=at(10, 10)) == 0
    assert not reminders().exists()


def test_added_people_are_reminded_and_removed_ones_not(meeting, attendee, organizer, outsider):
    from meetings.clashes import Invitee

    with time_machine.travel(at(3, 10), tick=False):
        meeting_reschedule(actor=organizer, meeting=meeting, attendees=[Invitee(outsider, "required")])
    scan_scheduled(now=at(10, 9))
    assert reminders(outsider).count() == 2
    assert not reminders(attendee).exists()


def test_a_declined_attendee_is_not_reminded_and_a_delegate_is(meeting, attendee, outsider, department):
    other = UserFactory(username="other", department=department)
    Attendee.objects.create(meeting=meeting, user=other, start=meeting.start, end=meeting.end)
    with time_machine.travel(at(3, 10), tick=False):
        Attendee.objects.filter(meeting=meeting, user=attendee).update(response=AttendeeResponse.DECLINED)
        Attendee.objects.filter(meeting=meeting, user=other).update(
            response=AttendeeResponse.DELEGATED, delegate=outsider
        )
        # What a reply service does after saving the reply (the attendance stage calls it).
        meeting_reminders_sync(meeting)
    scan_scheduled(now=at(10, 9))
    assert not reminders(attendee).exists()
    assert not reminders(other).exists()
    assert reminders(outsider).count() == 2


def test_a_meeting_too_close_for_the_day_before_gets_the_half_hour_only(book, attendee):
    with time_machine.travel(at(10, 8), tick=False):
        book(at(10, 9, 30), at(10, 10), attendees=[attendee])
    assert ScheduledReminder.objects.filter(cancelled=False).count() == 1
    assert scan_scheduled(now=at(10, 9)) == 1


@pytest.fixture
def robot(attendee):
    webhook = RobotWebhook.objects.create(name="处室群", platform="wecom", url="https://robot.example.org/hook")
    RobotRoute.objects.create(webhook=webhook, user=attendee, kinds=["reminder", "changed", "cancelled"])
    return webhook


def _email_text(notification):
    row = EmailDelivery.objects.get(notification=notification)
    mail.outbox.clear()
    assert delivery.send_one(row.pk) == "sent"
    (message,) = mail.outbox
    return message.subject + message.body


def test_reminders_go_by_e_mail_and_to_the_robot_as_chosen(meeting, attendee, robot):
    scan_scheduled(now=at(9, 9, 30))
    notice = reminders(attendee).get()
    assert "处务会" in _email_text(notice)
    assert RobotDelivery.objects.filter(notification=notice, webhook=robot).exists()
    assert "处务会" in robots.compose(notice)[1]


def test_change_and_cancellation_notices_go_by_every_chosen_channel(meeting, attendee, organizer, robot):
    with time_machine.travel(at(3, 10), tick=False):
        meeting_reschedule(actor=organizer, meeting=meeting, start=at(11, 14), end=at(11, 15))
    changed = Notification.objects.get(recipient=attendee, kind=NotificationKind.CHANGED)
    assert "2026-03-11 14:00" in _email_text(changed)
    assert RobotDelivery.objects.filter(notification=changed, webhook=robot).exists()
    with time_machine.travel(at(3, 11), tick=False):
        meeting_cancel(actor=organizer, meeting=Meeting.objects.get(pk=meeting.pk), reason="改期")
    cancelled = Notification.objects.get(recipient=attendee, kind=NotificationKind.CANCELLED)
    assert "处务会" in _email_text(cancelled)
    assert RobotDelivery.objects.filter(notification=cancelled, webhook=robot).exists()


def test_a_secret_meeting_never_reaches_a_robot_group_by_title(book, department, robot, attendee):
    attendee.clearance = Classification.SECRET
    attendee.save()
    chair = UserFactory(username="chair", clearance=Classification.SECRET, department=department)
    with time_machine.travel(at(2, 10), tick=False):
        meeting = book(
            at(10, 9, 30), at(10, 10), attendees=[attendee], actor=chair, title="机要会", classification="secret"
        )
    scan_scheduled(now=at(9, 9, 30))
    notice = reminders(attendee).get()
    assert notice.classification == "secret"
    headline, text = robots.compose(notice)
    assert "机要会" not in headline + text
    assert "机要会" in _email_text(notice)  # their own mailbox: they may see it
    with time_machine.travel(at(3, 10), tick=False):
        meeting_reschedule(actor=chair, meeting=meeting, start=at(11, 14), end=at(11, 15))
    changed = Notification.objects.get(recipient=attendee, kind=NotificationKind.CHANGED)
    assert "机要会" not in "".join(robots.compose(changed))


def test_someone_who_may_no_longer_see_the_meeting_gets_a_masked_reminder(book, department, attendee):
    attendee.clearance = Classification.SECRET
    attendee.save()
    chair = UserFactory(username="chair", clearance=Classification.SECRET, department=department)
    with time_machine.travel(at(2, 10), tick=False):
        book(at(10, 9, 30), at(10, 10), attendees=[attendee], actor=chair, title="机要会", classification="secret")
    attendee.clearance = Classification.INTERNAL
    attendee.save()
    scan_scheduled(now=at(9, 9, 30))
    notice = reminders(attendee).get()
    assert "机要会" not in _email_text(notice)


def test_the_reply_services_move_the_reminders(meeting, attendee):
    from meetings.services_followup import attendance_respond

    def pending(person):
        return ScheduledReminder.objects.filter(recipient=person, cancelled=False, sent_at__isnull=True).count()

    colleague = UserFactory(username="colleague", department=attendee.department)
    with time_machine.travel(at(3, 10), tick=False):
        attendance_respond(actor=attendee, meeting=meeting, response="delegate", delegate=colleague)
        assert (pending(attendee), pending(colleague)) == (0, 2)
        # The delegate cannot go: the invitation, and the reminders, are the attendee's again.
        attendance_respond(actor=colleague, meeting=meeting, response="decline")
        assert (pending(attendee), pending(colleague)) == (2, 0)
        attendance_respond(actor=attendee, meeting=meeting, response="decline")
        assert (pending(attendee), pending(colleague)) == (0, 0)
    scan_scheduled(now=at(10, 9))
    assert not reminders(attendee).exists() and not reminders(colleague).exists()
