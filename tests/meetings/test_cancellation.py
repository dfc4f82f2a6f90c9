"""Cancelling a meeting tells everyone concerned exactly once, in words: "会议已取消" with the time
and the reason (masked for a classified meeting where the reader may not see it), and closes the
reply items quietly (never the ledger's "withdrawn" notice besides). Cancelling a recurring
meeting "this and following" tells each person once for the whole batch, listing the dates."""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from core.enums import Classification
from meetings.clashes import Invitee
from meetings.recurrence import meeting_cancel_scoped, meeting_create_series, meeting_reschedule_scoped
from meetings.services import meeting_cancel
from meetings.services_followup import attendance_respond
from notifications import robots
from notifications.models import Notification, NotificationKind, RobotRoute, RobotWebhook
from notifications.presentation import present
from tests.factories import UserFactory
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(d, hh, mm=0):
    """March 2026: the 2nd is a Monday; no holidays in the month."""
    return datetime(2026, 3, d, hh, mm, tzinfo=SH)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(at(2, 10), tick=False):
        yield


def colleague_of(person, name):
    return UserFactory(username=name, department=person.department)


def told(person):
    return Notification.objects.filter(recipient=person, kind=NotificationKind.CANCELLED)


def chinese(notification):
    with translation.override("zh-hans"):
        return notification.render()


def test_everyone_invited_and_every_delegate_is_told_once(book, organizer, attendee, outsider, room):
    declined, delegating = colleague_of(attendee, "declined"), colleague_of(attendee, "delegating")
    acknowledged_for, delegate, acknowledging = (
        colleague_of(attendee, "acknowledged_for"),
        colleague_of(attendee, "delegate"),
        colleague_of(attendee, "acknowledging"),
    )
    people = [attendee, outsider, declined, delegating, acknowledged_for]
    meeting = book(at(10, 9, 30), at(10, 10, 30), room=room, attendees=people, title="处务会")
    attendance_respond(actor=outsider, meeting=meeting, response="accept")
    attendance_respond(actor=declined, meeting=meeting, response="decline")
    attendance_respond(actor=delegating, meeting=meeting, response="delegate", delegate=delegate)
    attendance_respond(actor=acknowledged_for, meeting=meeting, response="delegate", delegate=acknowledging)
    attendance_respond(actor=acknowledging, meeting=meeting, response="accept")

    meeting_cancel(actor=organizer, meeting=meeting, reason="领导出差")

    everyone = [*people, delegate, acknowledging]
    per_person = Counter(
        Notification.objects.filter(kind=NotificationKind.CANCELLED).values_list("recipient", flat=True)
    )
    assert per_person == Counter({p.pk: 1 for p in everyone})  # the organizer cancelled: not told
    assert not Notification.objects.filter(message="workitem.withdrawn").exists()
    notice = told(attendee).get()
    assert notice.message == "meeting.cancelled" and notice.target_id == meeting.pk
    title, body = chinese(notice)
    assert title == "处务会"
    assert "2026-03-10 09:30–10:30" in body and "已取消" in body and "领导出差" in body
    # The open reply items (the pending attendee's, the unacknowledged delegate's) closed quietly.
    items = WorkItem.objects.filter(target_id=meeting.pk, kind=WorkItemKind.MEETING, assignee__in=[attendee, delegate])
    assert set(items.values_list("status", "outcome")) == {(WorkItemStatus.CANCELLED, "领导出差")}


def test_the_organizer_is_told_when_the_office_cancels(book, organizer, attendee, office_member):
    meeting = book(at(10, 9), at(10, 10), attendees=[attendee])
    meeting_cancel(actor=office_member, meeting=meeting)
    assert told(organizer).count() == 1 and told(attendee).count() == 1
    assert not told(office_member).exists()
    _title, body = chinese(told(organizer).get())
    assert "已取消" in body


def test_a_classified_cancellation_is_masked_where_the_reader_may_not_see_it(department, attendee):
    attendee.clearance = Classification.SECRET
    attendee.save()
    chair = UserFactory(username="chair", clearance=Classification.SECRET, department=department)
    from meetings.services import meeting_create

    meeting = meeting_create(
        actor=chair,
        title="机要会",
        start=at(10, 9),
        end=at(10, 10),
        attendees=[Invitee(attendee)],
        classification=Classification.SECRET,
    )
    webhook = RobotWebhook.objects.create(name="处室群", platform="wecom", url="https://robot.example.org/hook")
    RobotRoute.objects.create(webhook=webhook, user=attendee, kinds=["cancelled"])
    meeting_cancel(actor=chair, meeting=meeting, reason="改期")
    notice = told(attendee).get()
    assert notice.classification == Classification.SECRET
    assert "机要会" not in "".join(robots.compose(notice))  # a group chat never gets the title
    attendee.clearance = Classification.INTERNAL  # no longer cleared: the centre masks it too
    attendee.save()
    present([notice], reader=attendee)
    assert notice.masked and "机要会" not in notice.shown_title + notice.shown_body


def _series(organizer, attendees, count=4):
    start = at(3, 9)  # Tuesdays from the 3rd
    return meeting_create_series(
        actor=organizer,
        title="周例会",
        start=start,
        end=start + timedelta(hours=1),
        freq="weekly",
        count=count,
        attendees=[Invitee(a) for a in attendees],
    )


def test_cancelling_this_and_following_tells_each_person_once_with_the_dates(organizer, attendee, outsider):
    meetings = _series(organizer, [attendee])
    # Outsider joins the third occurrence only.
    meeting_reschedule_scoped(
        actor=organizer, meeting=meetings[2], scope="one", attendees=[Invitee(attendee), Invitee(outsider)]
    )
    meeting_cancel_scoped(actor=organizer, meeting=meetings[1], scope="following", reason="机构调整")

    notice = told(attendee).get()  # one for the three occurrences
    assert notice.message == "meeting.series_cancelled" and notice.target_id == meetings[1].pk
    _title, body = chinese(notice)
    for day in ("2026-03-10 09:00", "2026-03-17 09:00", "2026-03-24 09:00"):
        assert day in body
    assert "2026-03-03" not in body and "机构调整" in body
    single = told(outsider).get()  # on one of them: the one-meeting notice
    assert single.message == "meeting.cancelled" and single.target_id == meetings[2].pk
    assert not Notification.objects.filter(message="workitem.withdrawn").exists()
    open_items = WorkItem.objects.filter(kind=WorkItemKind.MEETING, status=WorkItemStatus.OPEN, assignee=attendee)
    assert list(open_items.values_list("target_id", flat=True)) == [meetings[0].pk]


def test_cancelling_one_occurrence_is_a_single_notice(organizer, attendee):
    meetings = _series(organizer, [attendee], count=2)
    meeting_cancel_scoped(actor=organizer, meeting=meetings[0], scope="one")
    assert told(attendee).get().message == "meeting.cancelled"
