"""Every clash rule (API.md, Meetings), through the services."""

import pytest

from core.audit import AuditEvent
from core.errors import Conflict, PermissionDenied, ValidationError
from meetings.busy import BusyInterval, _sources, register_busy_source
from meetings.clashes import Invitee
from meetings.models import AttendeeRole, Meeting, MeetingStatus
from meetings.services import meeting_cancel, meeting_reschedule
from tests.factories import LeaderFactory, UserFactory
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db


def _conflicts(excinfo):
    return excinfo.value.extra["conflicts"]


def test_a_room_clash_is_always_refused_even_with_a_reason(book, room, outsider):
    book(at(9), at(10), room=room)
    with pytest.raises(Conflict) as refused:
        book(at(9, 30), at(10, 30), room=room, actor=outsider, override_reason="很急")
    assert refused.value.code == "clash"
    assert [c["kind"] for c in _conflicts(refused)] == ["room"]
    assert Meeting.objects.count() == 1


def test_adjacent_meetings_do_not_clash(book, room, attendee):
    book(at(9), at(10), room=room, attendees=[attendee])
    book(at(10), at(11), room=room, attendees=[attendee])
    book(at(8), at(9), room=room, attendees=[attendee])
    assert Meeting.objects.count() == 3


def test_cancelled_meetings_never_clash(book, room, attendee, organizer):
    first = book(at(9), at(10), room=room, attendees=[attendee])
    meeting_cancel(actor=organizer, meeting=first, reason="改期")
    book(at(9), at(10), room=room, attendees=[attendee])
    assert Meeting.objects.filter(status=MeetingStatus.SCHEDULED).count() == 1


def test_the_room_buffer_keeps_a_gap_after_each_meeting(book, buffered_room):
    book(at(9), at(10), room=buffered_room)
    with pytest.raises(Conflict):
        book(at(10, 10), at(11), room=buffered_room)  # inside the 15-minute buffer
    with pytest.raises(Conflict):
        book(at(8), at(8, 50), room=buffered_room)  # its own buffer runs into 9:00
    book(at(10, 15), at(11), room=buffered_room)
    book(at(8), at(8, 45), room=buffered_room)


def test_a_room_that_allows_overlap_takes_several_meetings(book, open_room):
    book(at(9), at(10), room=open_room)
    book(at(9), at(10), room=open_room)
    assert Meeting.objects.count() == 2


def test_a_busy_required_attendee_is_refused_without_a_reason_and_recorded_with_one(book, room, attendee):
    book(at(9), at(10), attendees=[attendee], title="预算会")
    with pytest.raises(Conflict) as refused:
        book(at(9, 30), at(11), room=room, attendees=[attendee])
    conflict = _conflicts(refused)[0]
    assert conflict["kind"] == "attendee" and conflict["user"] == attendee.pk and conflict["title"] == "预算会"
    meeting = book(at(9, 30), at(11), room=room, attendees=[attendee], override_reason="领导要求同时段")
    assert meeting.override_reason == "领导要求同时段"
    event = AuditEvent.objects.for_target(meeting).get(verb="meeting.override")
    assert event.data["reason"] == "领导要求同时段"
    assert event.data["clashes"][0]["user"] == attendee.pk


def test_a_busy_optional_attendee_is_no_clash(book, attendee):
    book(at(9), at(10), attendees=[attendee])
    book(at(9), at(10), attendees=[Invitee(attendee, AttendeeRole.OPTIONAL)])


def test_a_busy_leader_is_a_leader_clash_even_as_an_optional_attendee(book, office):
    leader = LeaderFactory(department=office)
    book(at(9), at(10), attendees=[leader])
    with pytest.raises(Conflict) as refused:
        book(at(9), at(10), attendees=[Invitee(leader, AttendeeRole.OPTIONAL)])
    assert [c["kind"] for c in _conflicts(refused)] == ["leader"]
    book(at(9), at(10), attendees=[Invitee(leader, AttendeeRole.OPTIONAL)], override_reason="局长可中途离开")


def test_a_private_meeting_is_reported_as_busy_only(book, attendee, outsider):
    book(at(9), at(10), attendees=[attendee], title="人事沟通", private=True)
    with pytest.raises(Conflict) as refused:
        book(at(9), at(10), attendees=[attendee], actor=outsider)
    conflict = _conflicts(refused)[0]
    assert conflict["meeting"] is None and conflict["title"] is None and conflict["organizer"] is None
    assert "人事沟通" not in refused.value.message


def test_rescheduling_does_not_clash_with_itself_but_with_others(book, room, organizer, attendee):
    meeting = book(at(9), at(10), room=room, attendees=[attendee])
    other = book(at(11), at(12), room=room)
    moved = meeting_reschedule(actor=organizer, meeting=meeting, start=at(9, 30), end=at(10, 30))
    assert moved.sequence == 1
    with pytest.raises(Conflict):
        meeting_reschedule(actor=organizer, meeting=meeting, start=at(11, 30), end=at(12, 30))
    meeting_cancel(actor=organizer, meeting=other)
    assert meeting_reschedule(actor=organizer, meeting=meeting, start=at(11, 30), end=at(12, 30)).sequence == 2


def test_only_the_organizer_or_the_office_reschedules(book, attendee, office_member):
    meeting = book(at(9), at(10), attendees=[attendee])
    with pytest.raises(PermissionDenied):
        meeting_reschedule(actor=attendee, meeting=meeting, title="改名")
    assert meeting_reschedule(actor=office_member, meeting=meeting, title="改名").title == "改名"


def test_a_cancelled_meeting_cannot_change(book, organizer):
    meeting = book(at(9), at(10))
    meeting_cancel(actor=organizer, meeting=meeting)
    with pytest.raises(Conflict):
        meeting_cancel(actor=organizer, meeting=meeting)
    with pytest.raises(Conflict):
        meeting_reschedule(actor=organizer, meeting=meeting, title="x")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": at(10), "end": at(9)}, "end"),
        ({"start": at(9), "end": at(9)}, "end"),
        ({"start": at(9, days=-2), "end": at(10, days=-2)}, "end"),
        ({"start": at(9), "end": at(9, days=3)}, "end"),
        ({"title": "  "}, "title"),
        ({"title": "两行\n标题"}, "title"),
        ({"classification": "secret"}, "classification"),
    ],
)
def test_bad_input_is_refused(book, change, field):
    fields = {"start": at(9), "end": at(10), **change}
    with pytest.raises(ValidationError) as refused:
        book(fields.pop("start"), fields.pop("end"), **fields)
    assert field in refused.value.fields


def test_attendees_must_be_active_and_cleared_and_fit_the_room(book, room, department):
    gone = UserFactory(department=department, is_active=False)
    with pytest.raises(ValidationError) as refused:
        book(at(9), at(10), attendees=[gone])
    assert "attendees" in refused.value.fields
    secret_organizer = UserFactory(department=department, clearance="secret")
    plain = UserFactory(department=department)
    with pytest.raises(ValidationError) as refused:
        book(at(9), at(10), attendees=[plain], actor=secret_organizer, classification="secret")
    assert "attendees" in refused.value.fields
    many = [UserFactory(department=department) for _ in range(room.capacity + 1)]
    with pytest.raises(ValidationError) as refused:
        book(at(9), at(10), room=room, attendees=many)
    assert "room" in refused.value.fields


def test_an_inactive_room_cannot_be_booked(book, room):
    room.active = False
    room.save()
    with pytest.raises(ValidationError) as refused:
        book(at(9), at(10), room=room)
    assert "room" in refused.value.fields


def test_a_registered_busy_source_feeds_the_check(book, department, monkeypatch):
    leader = LeaderFactory(department=department)
    monkeypatch.setattr("meetings.busy._sources", dict(_sources))

    def schedule(*, user_ids, start, end, viewer, exclude_meeting_id):
        return [BusyInterval(user_id=leader.pk, start=at(8), end=at(12), source="schedule")]

    register_busy_source("test.schedule", schedule)
    with pytest.raises(Conflict) as refused:
        book(at(9), at(10), attendees=[leader])
    assert _conflicts(refused) == [
        {
            "kind": "leader",
            "meeting": None,
            "start": at(8),
            "end": at(12),
            "title": None,
            "organizer": None,
            "user": leader.pk,
        }
    ]


def test_on_postgresql_the_database_itself_refuses_a_double_booked_room(book, room, organizer):
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    first = book(at(9), at(10), room=room)

    def raw(start, end, **fields):
        # Past the services: only the constraint stands in the way.
        return Meeting.objects.create(
            title="直接写入",
            organizer=organizer,
            room=room,
            start=start,
            end=end,
            room_held_until=end,
            room_exclusive=True,
            **fields,
        )

    with pytest.raises(IntegrityError), transaction.atomic():
        raw(at(9, 30), at(10, 30))
    raw(at(10), at(11))  # adjacent
    raw(at(9), at(10), status=MeetingStatus.CANCELLED)  # cancelled rows never clash
    Meeting.objects.filter(pk=first.pk).update(status=MeetingStatus.CANCELLED)
    raw(at(9), at(10))
