"""Invitations, changes and cancellations: work items, notifications, sequence, audit, rooms."""

import pytest

from core.audit import AuditEvent
from core.errors import Conflict, PermissionDenied
from meetings.models import Attendee, Room
from meetings.services import meeting_cancel, meeting_reschedule, room_create, room_update
from notifications.models import Notification, NotificationKind
from tests.factories import UserFactory
from tests.meetings.conftest import at
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db


def test_invitations_open_a_meeting_item_each_due_at_the_start(book, attendee, outsider):
    meeting = book(at(9), at(10), attendees=[attendee, outsider])
    items = WorkItem.objects.filter(kind=WorkItemKind.MEETING, status=WorkItemStatus.OPEN)
    assert {i.assignee_id for i in items} == {attendee.pk, outsider.pk}
    assert all(i.due_at == meeting.start and i.target_id == meeting.pk for i in items)
    assert Notification.objects.filter(recipient=attendee, kind=NotificationKind.ASSIGNED).count() == 1
    assert AuditEvent.objects.for_target(meeting).filter(verb="meeting.create").exists()


def test_a_change_notifies_moves_the_items_and_bumps_the_sequence(book, organizer, attendee, room):
    meeting = book(at(9), at(10), attendees=[attendee])
    moved = meeting_reschedule(actor=organizer, meeting=meeting, start=at(14), end=at(15), room=room)
    assert moved.sequence == 1
    assert Attendee.objects.get(meeting=meeting).start == at(14)
    assert WorkItem.objects.get(assignee=attendee, kind=WorkItemKind.MEETING).due_at == at(14)
    changed = Notification.objects.get(recipient=attendee, kind=NotificationKind.CHANGED)
    assert changed.target_id == meeting.pk
    assert "14:00" in changed.body


def test_new_attendees_are_invited_and_removed_ones_withdrawn(book, organizer, attendee, outsider):
    meeting = book(at(9), at(10), attendees=[attendee])
    from meetings.clashes import Invitee

    meeting_reschedule(actor=organizer, meeting=meeting, attendees=[Invitee(outsider)])
    assert list(Attendee.objects.filter(meeting=meeting).values_list("user_id", flat=True)) == [outsider.pk]
    assert WorkItem.objects.get(assignee=attendee).status == WorkItemStatus.CANCELLED
    assert WorkItem.objects.get(assignee=outsider).status == WorkItemStatus.OPEN


def test_a_cancellation_frees_the_people_withdraws_the_items_and_tells_everyone(book, organizer, attendee):
    meeting = book(at(9), at(10), attendees=[attendee])
    meeting_cancel(actor=organizer, meeting=meeting, reason="领导出差")
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.sequence == 1
    assert not Attendee.objects.get(meeting=meeting).busy
    assert WorkItem.objects.get(assignee=attendee).status == WorkItemStatus.CANCELLED
    told = Notification.objects.get(recipient=attendee, kind=NotificationKind.CANCELLED)
    assert told.target_id == meeting.pk and "领导出差" in told.body
    assert AuditEvent.objects.for_target(meeting).filter(verb="meeting.cancel").exists()


def test_only_administrators_manage_rooms(admin_user, user):
    with pytest.raises(PermissionDenied):
        room_create(actor=user, name="小会议室", capacity=6)
    room = room_create(actor=admin_user, name="小会议室", capacity=6)
    assert AuditEvent.objects.for_target(room).filter(verb="room.create").exists()


def test_a_new_buffer_applies_to_upcoming_meetings_unless_they_would_then_overlap(book, admin_user):
    room = Room.objects.create(name="第二会议室", capacity=10)
    first = book(at(9), at(10), room=room)
    book(at(10, 10), at(11), room=room)
    room_update(actor=admin_user, room=room, setup_buffer_minutes=10)
    first.refresh_from_db()
    assert first.room_held_until == at(10, 10)
    with pytest.raises(Conflict):
        room_update(actor=admin_user, room=room, setup_buffer_minutes=20)
    room.refresh_from_db()
    assert room.setup_buffer_minutes == 10


def test_allowing_overlap_then_forbidding_it_again_is_refused_when_bookings_overlap(book, admin_user):
    room = Room.objects.create(name="多功能厅", capacity=10, allow_overlap=True)
    book(at(9), at(10), room=room)
    book(at(9), at(10), room=room, attendees=[UserFactory()])
    with pytest.raises(Conflict):
        room_update(actor=admin_user, room=room, allow_overlap=False)


def test_rooms_are_added_and_changed_in_the_admin_through_the_services(client_of, admin_user, book):
    page = client_of(admin_user)
    fields = {"name": "小会议室", "capacity": "6", "location": "", "equipment": "", "active": "on"}
    fields |= {"setup_buffer_minutes": "0", "order": "0"}
    assert page.post("/admin/meetings/room/add/", {**fields, "capacity": "0"}).status_code == 200  # refused
    assert page.post("/admin/meetings/room/add/", fields).status_code == 302
    room = Room.objects.get(name="小会议室")
    assert AuditEvent.objects.for_target(room).filter(verb="room.create").exists()
    assert page.post(f"/admin/meetings/room/{room.pk}/change/", {**fields, "capacity": "8"}).status_code == 302
    room.refresh_from_db()
    assert room.capacity == 8
    assert AuditEvent.objects.for_target(room).filter(verb="room.update").exists()
