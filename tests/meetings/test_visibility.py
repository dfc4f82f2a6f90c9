"""The visibility rule on every path: organizer, attendee, delegate, outsider, uncleared, private.

Organizer, attendees and delegates see a meeting; anyone else sees one that is not private and not
above their clearance; everything else is a 404, and only "busy" in clashes and the room calendar.
"""

import pytest
from django.contrib.contenttypes.models import ContentType

from meetings.models import Attendee, AttendeeResponse
from meetings.selectors import meetings_visible
from notifications.models import Notification
from notifications.presentation import present
from tests.api import as_, assert_error
from tests.factories import AdminFactory, LeaderFactory, UserFactory
from tests.meetings.conftest import at
from workload import targets
from workload.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_meeting(book, room, attendee):
    return book(at(9), at(10), room=room, attendees=[attendee], title="人事沟通会", private=True)


@pytest.fixture
def secret_meeting(book, department):
    cleared = UserFactory(department=department, clearance="secret")
    return book(at(14), at(15), attendees=[cleared], title="涉密专题会", classification="secret", actor=cleared)


def _who_sees(meeting, people):
    return {name for name, person in people.items() if meetings_visible(user=person).filter(pk=meeting.pk).exists()}


def test_the_rule(private_meeting, secret_meeting, book, organizer, attendee, outsider, office):
    delegate = UserFactory(department=outsider.department)
    Attendee.objects.filter(meeting=private_meeting).update(response=AttendeeResponse.DELEGATED, delegate=delegate)
    leader, admin = LeaderFactory(department=office, clearance="confidential"), AdminFactory(department=office)
    people = {
        "organizer": organizer,
        "attendee": attendee,
        "delegate": delegate,
        "outsider": outsider,
        "leader": leader,
        "admin": admin,
    }
    assert _who_sees(private_meeting, people) == {"organizer", "attendee", "delegate"}
    public = book(at(16), at(17), title="公开会议")
    assert _who_sees(public, people) == set(people)
    # secret: only people cleared for it (the leader is; the plain organizer/outsider are not)
    assert _who_sees(secret_meeting, people) == {"leader"}


def test_api_detail_list_and_check_hide_a_private_meeting(private_meeting, room, organizer, outsider, attendee):
    assert as_(attendee).get(f"/api/v1/meetings/{private_meeting.pk}/").status_code == 200
    assert_error(as_(outsider).get(f"/api/v1/meetings/{private_meeting.pk}/"), 404)
    assert_error(as_(outsider).patch(f"/api/v1/meetings/{private_meeting.pk}/", {"title": "x"}, format="json"), 404)
    assert_error(as_(outsider).post(f"/api/v1/meetings/{private_meeting.pk}/cancel/", {}, format="json"), 404)
    assert as_(outsider).get("/api/v1/meetings/").json()["results"] == []
    checked = as_(outsider).post(
        "/api/v1/meetings/check/",
        {
            "title": "x",
            "room": room.pk,
            "start": at(9).isoformat(),
            "end": at(10).isoformat(),
            "attendees": [{"user": attendee.pk}],
        },
        format="json",
    )
    conflicts = checked.json()["conflicts"]
    assert {c["kind"] for c in conflicts} == {"room", "attendee"}
    assert all(c["meeting"] is None and c["title"] is None and c["organizer"] is None for c in conflicts)
    assert "人事沟通会" not in checked.content.decode()
    as_organizer = as_(organizer).post(
        "/api/v1/meetings/check/",
        {"title": "x", "room": room.pk, "start": at(9).isoformat(), "end": at(10).isoformat()},
        format="json",
    )
    assert as_organizer.json()["conflicts"][0]["title"] == "人事沟通会"


def test_pages_hide_a_private_meeting(private_meeting, client_of, outsider, attendee):
    assert client_of(outsider).get(f"/meetings/{private_meeting.pk}/").status_code == 404
    assert client_of(outsider).get(f"/meetings/{private_meeting.pk}/edit/").status_code == 404
    assert client_of(outsider).post(f"/meetings/{private_meeting.pk}/cancel/").status_code == 404
    calendar = client_of(outsider).get(f"/meetings/rooms/?view=day&date={at(9):%Y-%m-%d}")
    assert calendar.status_code == 200 and "人事沟通会" not in calendar.content.decode()
    assert client_of(attendee).get(f"/meetings/{private_meeting.pk}/").status_code == 200
    mine = client_of(attendee).get(f"/meetings/rooms/?view=day&date={at(9):%Y-%m-%d}")
    assert "人事沟通会" in mine.content.decode()


def test_work_items_and_notifications_follow_the_meeting(private_meeting, attendee, outsider):
    item = WorkItem.objects.get(assignee=attendee)
    assert targets.may_see(attendee, private_meeting)
    assert not targets.may_see(outsider, private_meeting)
    assert targets.target_ref(item.target_type_id, item.target_id)["type"] == "meeting"
    notification = Notification.objects.filter(recipient=attendee).first()
    assert notification is not None
    (shown,) = present([notification], reader=outsider)  # as if someone else read it (admin path)
    assert shown.masked and "人事沟通会" not in shown.shown_title
    (own,) = present([Notification.objects.get(pk=notification.pk)], reader=attendee)
    assert not own.masked and own.shown_title == "人事沟通会"
    desk = as_(attendee).get("/api/v1/work-items/").json()["results"]
    assert desk[0]["title"] == "人事沟通会" and desk[0]["target"]["type"] == "meeting"


def test_admin_lists_only_meetings_the_administrator_may_see(private_meeting, book, client_of, office):
    admin = AdminFactory(department=office)
    public = book(at(16), at(17), title="公开会议")
    page = client_of(admin).get("/admin/meetings/meeting/")
    assert page.status_code == 200
    assert "公开会议" in page.content.decode() and "人事沟通会" not in page.content.decode()
    assert client_of(admin).get(f"/admin/meetings/meeting/{private_meeting.pk}/change/").status_code == 404
    assert client_of(admin).get(f"/admin/meetings/meeting/{public.pk}/change/").status_code == 200


def test_audit_of_an_override_names_no_title(book, attendee, outsider):
    from core.audit import AuditEvent

    book(at(9), at(10), attendees=[attendee], title="人事沟通会", private=True)
    meeting = book(at(9), at(10), attendees=[attendee], actor=outsider, override_reason="必须")
    event = AuditEvent.objects.for_target(meeting).get(verb="meeting.override")
    assert "人事沟通会" not in str(event.data)
    assert event.data["clashes"][0]["meeting"] is None
    assert ContentType.objects.get_for_model(meeting).model == "meeting"
