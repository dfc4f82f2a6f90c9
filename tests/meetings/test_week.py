"""My week (``/meetings/week/``): my meetings of a week, day by day; visibility; query counts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from meetings.models import Attendee, AttendeeResponse, Meeting
from meetings.services import meeting_cancel
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 9, 22, 8, 0, tzinfo=TZ)  # Monday 22 September 2025


def t(day: int, hour: int, minute: int = 0, month: int = 9) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _page(client, **query):
    response = client.get("/meetings/week/", query)
    assert response.status_code == 200
    return response.content.decode()


def test_my_week_lists_what_i_organize_attend_or_attend_as_delegate(
    client_of, book, organizer, attendee, outsider, room
):
    mine = book(t(22, 9), t(22, 10), attendees=[attendee], title="周例会")
    book(t(24, 14), t(24, 15), attendees=[outsider], actor=outsider, title="别人的会")
    delegated = book(t(25, 9), t(25, 10), attendees=[outsider], actor=outsider, title="代为参会")
    Attendee.objects.filter(meeting=delegated, user=outsider).update(
        response=AttendeeResponse.DELEGATED, delegate=attendee
    )
    book(t(29, 9), t(29, 10), attendees=[attendee], title="下周的会")
    text = _page(client_of(attendee))
    assert "周例会" in text and "代为参会" in text
    assert "别人的会" not in text and "下周的会" not in text
    assert f'id="week-meeting-{mine.pk}-0922"' in text
    # The organizer sees their own meeting too; next week is one click away.
    assert "周例会" in _page(client_of(organizer))
    assert "下周的会" in _page(client_of(attendee), date="2025-09-29")


def test_a_cancelled_meeting_shows_struck_through_and_weekends_are_marked(client_of, book, organizer):
    meeting = book(t(23, 9), t(23, 10), title="取消的会")
    meeting_cancel(actor=organizer, meeting=meeting)
    text = _page(client_of(organizer))
    assert "取消的会" in text and "text-decoration-line-through" in text
    assert text.count('id="day-') == 7


def test_a_private_meeting_i_am_not_in_never_shows(client_of, book, outsider, user):
    book(t(23, 9), t(23, 10), attendees=[outsider], actor=outsider, title="人事沟通会", private=True)
    assert "人事沟通会" not in _page(client_of(user))


def test_the_menu_links_my_week(client_of, user):
    assert 'id="nav-my-week"' in client_of(user).get("/meetings/").content.decode()


@pytest.mark.parametrize("value", ["", "garbage", "2026-02-30", "0001-01-01", "9999-12-31"])
def test_any_date_is_answered(client_of, user, value):
    assert client_of(user).get("/meetings/week/", {"date": value}).status_code == 200


def test_queries_do_not_grow_with_the_data(client_of, book, organizer, attendee, department):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (2, 20):
        Meeting.objects.all().delete()
        others = [UserFactory(department=department) for _ in range(2)]
        for n in range(size):
            start = t(22 + n % 5, 9 + n % 8)
            book(
                start,
                start + timedelta(minutes=30),
                attendees=[attendee, *others],
                title=f"会{n}",
                override_reason="批量",
            )
        client = client_of(attendee)
        _page(client)  # warm: the session, the calendar's overrides, the navigation's cache
        with CaptureQueriesContext(connection) as queries:
            _page(client)
        counts.append(len(queries))
    # session, user, my meetings of the week (room and organizer joined), the navigation's office flag
    assert counts == [4, 4], counts
