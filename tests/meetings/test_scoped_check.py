"""The live clash check of a change to "this and following" occurrences checks every one of them,
as saving does, and reports each clash with its date; "this occurrence only" checks that one."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.errors import Conflict
from meetings.clashes import Invitee
from meetings.recurrence import meeting_create_series, meeting_reschedule_scoped, scoped_check

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")


def t(month, day, hour, minute=0):
    return datetime(2025, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(t(9, 1, 8), tick=False):  # Monday 1 September 2025
        yield


@pytest.fixture
def series(organizer, attendee, room):
    """Mondays 22 and 29 September, 13 and 20 October (6 October is a holiday), 09:00–10:00."""
    start = t(9, 22, 9)
    return meeting_create_series(
        actor=organizer,
        title="局务会",
        start=start,
        end=start + timedelta(hours=1),
        freq="weekly",
        count=4,
        room=room,
        attendees=[Invitee(attendee)],
    )


@pytest.fixture
def taken(book, room, outsider):
    """The room is booked 14:00–15:00 on 13 and 20 October."""
    return [book(t(10, day, 14), t(10, day, 15), room=room, title="预算会", attendees=[outsider]) for day in (13, 20)]


def _form(room, **fields):
    return {
        "title": "局务会",
        "kind": "regular",
        "start": "2025-09-29T14:00",
        "end": "2025-09-29T15:00",
        "room": room.pk,
        "location": "",
        "classification": "internal",
        "required": [],
        **fields,
    }


def test_following_checks_every_occurrence_and_dates_each_clash(organizer, attendee, room, series, taken):
    second = series[1]
    by_date = scoped_check(
        actor=organizer,
        meeting=second,
        scope="following",
        title="局务会",
        start=t(9, 29, 14),
        end=t(9, 29, 15),
        room=room,
        attendees=[Invitee(attendee)],
    )
    assert sorted(by_date) == [t(10, 13, 0).date(), t(10, 20, 0).date()]
    assert {c.meeting_id for clashes in by_date.values() for c in clashes} == {m.pk for m in taken}
    # The save refuses the same dates.
    with pytest.raises(Conflict) as refused:
        meeting_reschedule_scoped(
            actor=organizer, meeting=second, scope="following", start=t(9, 29, 14), end=t(9, 29, 15)
        )
    assert {c["date"] for c in refused.value.extra["conflicts"]} == set(by_date)


def test_this_occurrence_only_checks_that_one(organizer, attendee, room, series, taken):
    assert (
        scoped_check(
            actor=organizer,
            meeting=series[1],
            scope="one",
            title="局务会",
            start=t(9, 29, 14),
            end=t(9, 29, 15),
            room=room,
        )
        == {}
    )


def test_the_occurrences_that_move_together_do_not_clash_with_each_other(organizer, attendee, room, series):
    # A week later each: 22 September lands on the 29th, 13 October on the 20th, where siblings
    # stand now; they move too, so the save succeeds, and the check says so.
    moved = {"title": "局务会", "room": room, "attendees": [Invitee(attendee)]}
    week = timedelta(days=7)
    start, end = series[0].start + week, series[0].end + week
    assert scoped_check(actor=organizer, meeting=series[0], scope="following", start=start, end=end, **moved) == {}
    meeting_reschedule_scoped(actor=organizer, meeting=series[0], scope="following", start=start, end=end)


def test_the_live_check_page_lists_the_following_dates(client_of, organizer, room, series, taken):
    page = client_of(organizer)
    url = f"/meetings/check/?meeting={series[1].pk}"
    following = page.post(url, _form(room, scope="following")).content.decode()
    assert following.count("clash-room") == 2
    assert "2025-10-13" in following and "2025-10-20" in following
    one = page.post(url, _form(room, scope="one")).content.decode()
    assert "clash-room" not in one and "alert-success" in one
