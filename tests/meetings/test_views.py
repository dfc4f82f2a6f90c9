"""The meeting pages: list, detail, schedule (with the live clash check), change, cancel, the room
calendar; and each page's and endpoint's query count at two data sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting, MeetingStatus
from tests.api import as_
from tests.factories import UserFactory
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db


def _form(room=None, *required, **fields):
    data = {
        "title": "周例会",
        "kind": "regular",
        "start": f"{at(9):%Y-%m-%dT%H:%M}",
        "end": f"{at(10):%Y-%m-%dT%H:%M}",
        "room": room.pk if room else "",
        "location": "",
        "required": [p.pk for p in required],
        "classification": "internal",
        **fields,
    }
    return data


def test_schedule_from_the_form_and_see_it_in_my_meetings(client_of, organizer, room, attendee):
    page = client_of(organizer)
    assert page.get("/meetings/new/").status_code == 200
    response = page.post("/meetings/new/", _form(room, attendee))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert "周例会" in client_of(attendee).get("/meetings/").content.decode()
    detail = client_of(attendee).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "周例会" in detail and 'id="edit-meeting"' not in detail


def test_the_live_check_names_the_other_meeting_and_the_form_refuses_a_clash(
    client_of, book, organizer, room, outsider
):
    book(at(9), at(10), room=room, title="预算会")
    checked = client_of(outsider).post("/meetings/check/", _form(room))
    assert checked.status_code == 200
    text = checked.content.decode()
    assert "预算会" in text and organizer.name in text and "clash-room" in text
    free = client_of(outsider).post(
        "/meetings/check/", _form(room, start=f"{at(11):%Y-%m-%dT%H:%M}", end=f"{at(12):%Y-%m-%dT%H:%M}")
    )
    # The page speaks the reader's language (Chinese by default): "no clashes" is 无冲突.
    assert "无冲突" in free.content.decode() and "clash-" not in free.content.decode()
    refused = client_of(outsider).post("/meetings/new/", _form(room, override_reason="急"))
    assert refused.status_code == 409 and "预算会" in refused.content.decode()
    assert Meeting.objects.count() == 1


def test_the_live_check_says_busy_only_for_a_private_meeting(client_of, book, room, outsider):
    book(at(9), at(10), room=room, title="人事沟通会", private=True)
    text = client_of(outsider).post("/meetings/check/", _form(room)).content.decode()
    assert "clash-room" in text and "人事沟通会" not in text


def test_a_people_clash_needs_a_reason_on_the_form(client_of, book, attendee, outsider):
    book(at(9), at(10), attendees=[attendee])
    assert client_of(outsider).post("/meetings/new/", _form(None, attendee)).status_code == 409
    done = client_of(outsider).post("/meetings/new/", _form(None, attendee, override_reason="领导指定时间"))
    assert done.status_code == 302
    assert Meeting.objects.filter(override_reason="领导指定时间").exists()


def test_edit_and_cancel(client_of, book, organizer, attendee, room):
    meeting = book(at(9), at(10), room=room, attendees=[attendee])
    page = client_of(organizer)
    assert page.get(f"/meetings/{meeting.pk}/edit/").status_code == 200
    assert page.post(f"/meetings/check/?meeting={meeting.pk}", _form(room, attendee)).status_code == 200
    moved = page.post(
        f"/meetings/{meeting.pk}/edit/",
        _form(room, attendee, start=f"{at(13):%Y-%m-%dT%H:%M}", end=f"{at(14):%Y-%m-%dT%H:%M}"),
    )
    assert moved.status_code == 302
    meeting.refresh_from_db()
    assert meeting.start == at(13) and meeting.sequence == 1
    assert client_of(attendee).post(f"/meetings/{meeting.pk}/cancel/").status_code == 302  # refused, told why
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    page = client_of(organizer)
    assert page.post(f"/meetings/{meeting.pk}/cancel/", {"reason": "改期"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert page.get(f"/meetings/{meeting.pk}/edit/").status_code == 409  # a cancelled meeting is not changed


def test_the_edit_page_opens_only_for_who_may_change_the_meeting(client_of, book, organizer, attendee, room):
    """An attendee sees the meeting but may not change it: the edit form is refused (403), as saving is."""
    meeting = book(at(9), at(10), room=room, attendees=[attendee])
    assert client_of(attendee).get(meeting.get_absolute_url()).status_code == 200
    assert client_of(attendee).get(f"/meetings/{meeting.pk}/edit/").status_code == 403
    assert client_of(organizer).get(f"/meetings/{meeting.pk}/edit/").status_code == 200


@pytest.mark.parametrize(
    "query", ["", "?view=day", "?date=2026-02-30", "?date=0001-01-01", "?view=week&date=9999-12-31"]
)
def test_the_room_calendar_takes_any_date(client_of, user, room, query):
    assert client_of(user).get(f"/meetings/rooms/{query}").status_code == 200


def test_bad_page_input_is_not_a_500(client_of, organizer):
    page = client_of(organizer)
    assert page.post("/meetings/new/", {"title": "a\x00b", "start": "garbage"}).status_code == 400
    assert page.post("/meetings/check/?meeting=abc", _form()).status_code == 404
    assert page.post("/meetings/check/", {"start": "x"}).status_code == 200
    assert page.get("/meetings/99999999999999999999/").status_code == 404


# --- Query budgets: the same count with few and with many rows ------------------------------------


def _fill(book, room, attendee, organizer, size):
    """``size`` meetings tomorrow in a few rooms, each with attendees; a private one among them."""
    from meetings.models import Room

    rooms = [room, *(Room.objects.create(name=f"会议室{size}-{n}", capacity=50) for n in range(size // 2))]
    people = [UserFactory() for _ in range(2)]
    for n in range(size):
        book(
            at(8 + n % 10, days=1 + n // 10),
            at(8 + n % 10, 30, days=1 + n // 10),
            room=rooms[n % len(rooms)],
            attendees=[attendee, *people],
            title=f"会议{n}",
            private=n == 0,
            override_reason="批量",
        )
    return Meeting.objects.filter(organizer=organizer).order_by("pk").last()


def _count(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code in (200, 201), getattr(response, "content", b"")[:500]
    return len(queries)


PATHS = {
    # session, user, then: list → my meetings; detail → meeting + attendees (prefetch); calendar →
    # rooms, meetings, visible ids; check → room, people, clashes; API the same plus the token user.
    "list": lambda c, m, r, a: c.get("/meetings/"),
    "detail": lambda c, m, r, a: c.get(f"/meetings/{m.pk}/"),
    "edit": lambda c, m, r, a: c.get(f"/meetings/{m.pk}/edit/"),
    "new": lambda c, m, r, a: c.get("/meetings/new/"),
    "calendar": lambda c, m, r, a: c.get(f"/meetings/rooms/?date={at(9):%Y-%m-%d}"),
    "check": lambda c, m, r, a: c.post("/meetings/check/", _form(r, a)),
}
API_PATHS = {
    "api-list": lambda c, m, r, a: c.get("/api/v1/meetings/"),
    "api-detail": lambda c, m, r, a: c.get(f"/api/v1/meetings/{m.pk}/"),
    "api-rooms": lambda c, m, r, a: c.get("/api/v1/rooms/"),
    "api-check": lambda c, m, r, a: c.post(
        "/api/v1/meetings/check/",
        {
            "title": "x",
            "room": r.pk,
            "start": at(9).isoformat(),
            "end": at(10).isoformat(),
            "attendees": [{"user": a.pk}],
        },
        format="json",
    ),
}


# Pages: session + user first (2). API (forced authentication): no session, no user query.
BUDGET = {
    "list": 4,  # + my meetings (room, organizer joined) + the navigation's office flag
    "detail": 9,  # + the meeting (room, organizer, department) + its attendees (people) + office flag + nav
    # + the follow-up sections: agenda items, minutes (document), decisions (matters)
    "edit": 7,  # + the meeting, attendees, the form's room choices and its two people pickers' chosen
    "new": 4,  # + the form's room choices + the navigation's office flag
    "calendar": 6,  # + rooms + their meetings (organizer) + which of them may be seen + nav
    "check": 12,  # + the form's room and people, then: room clashes, their visibility, people's busy
    # intervals (attendance, delegates), their visibility, and the meeting rule's participant subquery,
    # and leaders' schedule entries (relations' busy source)
    "api-list": 1,  # the page of visible meetings (room, organizer joined)
    "api-detail": 2,  # the meeting + its attendees
    "api-rooms": 1,  # the rooms
    "api-check": 7,  # the room, the attendee, room clashes + visibility, busy intervals + delegates,
    # leaders' schedule entries (relations' busy source)
}


@pytest.mark.parametrize("path", [*PATHS, *API_PATHS])
def test_queries_do_not_grow_with_the_data(path, client_of, book, room, attendee, organizer):
    counts = []
    for size in (2, 12):
        Meeting.objects.all().delete()
        meeting = _fill(book, room, attendee, organizer, size)
        if path in PATHS:
            # The edit page opens only for who may change the meeting: its organizer.
            client, call = client_of(organizer if path == "edit" else attendee), PATHS[path]
        else:
            client, call = as_(attendee), API_PATHS[path]
        call(client, meeting, room, attendee)  # warm: the session, content types, the navigation's cache
        counts.append(_count(lambda call=call, client=client, meeting=meeting: call(client, meeting, room, attendee)))
    assert counts == [BUDGET[path]] * 2, counts
