"""The free-slot finder (``meetings.slots``, ``POST /api/v1/meetings/free-slots/``): working days and
hours, busy people, rooms with their capacity and buffers, visibility, bad input; and a brute-force
check on random calendars."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.models import Attendee, Meeting, MeetingStatus, Room
from meetings.slots import GRANULARITY, MAX_SLOTS, find_free_slots
from tests.api import as_, assert_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
# Friday 26 September 2025, before work. Sunday 28 September is a make-up working day (调休); the
# National Day holiday runs from 1 to 8 October; Saturday 11 October is worked again.
NOW = datetime(2025, 9, 26, 7, 0, tzinfo=TZ)


def t(day: int, hour: int, minute: int = 0, month: int = 9) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _hold(user, start, end, *, title="会", private=False, organizer=None, room=None):
    """A scheduled meeting holding ``user`` (and ``room``) then, written directly (no clash check)."""
    meeting = Meeting.objects.create(
        title=title,
        organizer=organizer or user or UserFactory(username="booker"),
        start=start,
        end=end,
        room=room,
        private=private,
        room_held_until=end + timedelta(minutes=room.setup_buffer_minutes if room else 0),
        room_exclusive=room is not None and not room.allow_overlap,
    )
    if user is not None:
        Attendee.objects.create(meeting=meeting, user=user, start=start, end=end)
    return meeting


def _slots(viewer, people, minutes, start, end, **extra):
    return find_free_slots(
        viewer=viewer,
        attendee_ids=[p.pk for p in people],
        duration_minutes=minutes,
        window_start=start,
        window_end=end,
        **extra,
    )


def test_slots_follow_working_days_and_hours(user, room):
    found = _slots(user, [user], 60, t(26, 0), t(13, 0, month=10))
    days = {s.start.astimezone(TZ).date() for s in found}
    assert t(26, 0).date() in days
    # Saturday 27 is off, Sunday 28 a make-up working day; the National Day holiday is off.
    assert t(27, 0).date() not in days
    assert t(28, 0).date() in days
    assert not any(t(1, 0, month=10).date() <= d <= t(8, 0, month=10).date() for d in days)
    for slot in found:
        local_start, local_end = slot.start.astimezone(TZ), slot.end.astimezone(TZ)
        morning = (local_start.hour, local_start.minute) >= (9, 0) and (local_end.hour, local_end.minute) <= (12, 0)
        afternoon = (local_start.hour, local_start.minute) >= (13, 30) and (local_end.hour, local_end.minute) <= (
            17,
            30,
        )
        assert morning or afternoon
        assert (local_start.minute - 0) % (GRANULARITY.seconds // 60) == 0
    assert found[0].start == t(26, 9) and found[0].end == t(26, 10)
    assert len(found) == MAX_SLOTS
    assert [s.start for s in found] == sorted(s.start for s in found)


def test_a_busy_attendee_and_a_taken_room_are_avoided(user, room, department):
    other = UserFactory(department=department)
    _hold(other, t(26, 9), t(26, 10, 15))
    _hold(None, t(26, 10, 30), t(26, 11, 30), room=room)
    found = _slots(user, [user, other], 60, t(26, 9), t(26, 12))
    # The people are free from 10:30 on, when the only room is taken: no room, no slot.
    assert [(s.start, s.end, [r.pk for r in s.rooms]) for s in found] == []
    big = Room.objects.create(name="大会议室", capacity=30)
    found = _slots(user, [user, other], 60, t(26, 9), t(26, 12))
    assert [(s.start, [r.pk for r in s.rooms]) for s in found] == [(t(26, 10, 30), [big.pk]), (t(26, 11), [big.pk])]


def test_capacity_buffers_overlap_rooms_and_inactive_rooms(user):
    Room.objects.create(name="小会议室", capacity=4)
    buffered = Room.objects.create(name="大会议室", capacity=20, setup_buffer_minutes=30)
    hall = Room.objects.create(name="礼堂", capacity=200, allow_overlap=True)
    Room.objects.create(name="停用会议室", capacity=50, active=False)
    _hold(None, t(26, 10, 30), t(26, 11, 30), room=buffered)  # held until 12:00
    _hold(None, t(26, 9), t(26, 12), room=hall)  # overlaps allowed: still free
    found = {s.start: [r.name for r in s.rooms] for s in _slots(user, [user], 60, t(26, 9), t(26, 12))}
    # 09:00–10:00 + the buffer ends 10:30, when the booking starts: fine. 09:30 is not.
    assert found == {
        t(26, 9): ["小会议室", "大会议室", "礼堂"],
        t(26, 9, 30): ["小会议室", "礼堂"],
        t(26, 10): ["小会议室", "礼堂"],
        t(26, 10, 30): ["小会议室", "礼堂"],
        t(26, 11): ["小会议室", "礼堂"],
    }
    roomier = _slots(user, [user], 60, t(26, 9), t(26, 12), min_capacity=10)
    bigger = {s.start: [r.name for r in s.rooms] for s in roomier}
    assert bigger[t(26, 9)] == ["大会议室", "礼堂"] and bigger[t(26, 11)] == ["礼堂"]


def test_cancelled_and_declined_meetings_do_not_block(user, room):
    cancelled = _hold(user, t(26, 9), t(26, 12), room=room)
    Meeting.objects.filter(pk=cancelled.pk).update(status=MeetingStatus.CANCELLED)
    Attendee.objects.filter(meeting=cancelled).update(busy=False)
    assert _slots(user, [user], 60, t(26, 9), t(26, 12))[0].start == t(26, 9)


def test_no_slot_in_the_past(user, room):
    with time_machine.travel(t(26, 9, 40), tick=False):
        found = _slots(user, [user], 30, t(26, 0), t(26, 12))
    assert found[0].start == t(26, 10)


def test_api_shape_and_visibility(user, room, department):
    other = UserFactory(department=department)
    _hold(other, t(26, 9), t(26, 10), title="人事沟通会", private=True)
    response = as_(user).post(
        "/api/v1/meetings/free-slots/",
        {
            "attendees": [user.pk, other.pk],
            "duration_minutes": 60,
            "window_start": t(26, 0).isoformat(),
            "window_end": t(26, 12).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["slots"][0]["rooms"] == [room.pk]
    assert datetime.fromisoformat(body["slots"][0]["start"]) == t(26, 10)
    # The private meeting blocks its time but its title appears nowhere.
    assert "人事沟通会" not in response.content.decode()
    assert set(body["slots"][0]) == {"start", "end", "rooms"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"duration_minutes": 300}, "duration_minutes"),
        ({"window_end": t(26, 0).isoformat()}, "window_end"),
        ({"window_end": t(30, 0, month=10).isoformat()}, "window_end"),
        ({"attendees": []}, "attendees"),
        ({"attendees": [999999]}, "attendees"),
        ({"attendees": ["x"]}, "attendees"),
        ({"attendees": [2**70]}, "attendees"),
        ({"window_start": "garbage"}, "window_start"),
        ({"window_start": "0001-01-01T00:00:00Z"}, "window_start"),
        ({"min_capacity": -1}, "min_capacity"),
        ({"surprise": 1}, None),
    ],
)
def test_bad_input_is_a_400(user, change, field):
    body = {
        "attendees": [user.pk],
        "duration_minutes": 60,
        "window_start": t(26, 0).isoformat(),
        "window_end": t(27, 0).isoformat(),
        **change,
    }
    error = assert_error(as_(user).post("/api/v1/meetings/free-slots/", body, format="json"), 400)
    if field:
        assert any(key.split(".")[0] == field for key in error.get("fields", {})), error


def test_an_inactive_person_is_refused(user, department):
    gone = UserFactory(department=department, is_active=False)
    body = {
        "attendees": [user.pk, gone.pk],
        "duration_minutes": 60,
        "window_start": t(26, 0).isoformat(),
        "window_end": t(27, 0).isoformat(),
    }
    assert_error(as_(user).post("/api/v1/meetings/free-slots/", body, format="json"), 400)


def test_the_endpoint_needs_a_login(client):
    assert client.post("/api/v1/meetings/free-slots/", {}, content_type="application/json").status_code in (401, 403)


# --- Brute force on random calendars ------------------------------------------------------------

# The window: Friday 26 (working), Saturday 27 (off), Sunday 28 (make-up working day).
WINDOW = (t(26, 0), t(29, 0))
HALF_HOURS = 3 * 48

busy_strategy = st.lists(st.tuples(st.integers(0, 2), st.integers(0, HALF_HOURS - 1), st.integers(1, 8)), max_size=12)
room_strategy = st.lists(
    st.tuples(st.integers(1, 12), st.sampled_from([0, 15, 30]), st.booleans(), st.booleans()), min_size=1, max_size=3
)
# (room, start in ten-minute steps over the window, length in twenty-minute steps)
booking_strategy = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, HALF_HOURS * 3 - 1), st.integers(1, 9)), max_size=12
)


def _brute_force(people, duration, min_capacity):
    """Every grid start on working days within a period, checked against every row, no cleverness."""
    from core import calendar

    rooms = list(Room.objects.filter(active=True))
    held = list(Meeting.objects.filter(status=MeetingStatus.SCHEDULED, room_exclusive=True))
    busy = list(Attendee.objects.filter(busy=True, user__in=people))
    expected = []
    moment = WINDOW[0]
    while moment < WINDOW[1]:
        end = moment + duration
        local = moment.astimezone(TZ)
        in_hours = calendar.is_workday(local.date()) and any(
            datetime.combine(local.date(), p.start, tzinfo=TZ) <= moment
            and end <= datetime.combine(local.date(), p.end, tzinfo=TZ)
            and (moment - datetime.combine(local.date(), p.start, tzinfo=TZ)) % GRANULARITY == timedelta(0)
            for p in calendar.working_periods()
        )
        people_free = not any(a.start < end and a.end > moment for a in busy)
        if in_hours and people_free:
            free = sorted(
                (
                    r
                    for r in rooms
                    if r.capacity >= max(min_capacity, len(people))
                    and (
                        r.allow_overlap
                        or not any(
                            m.room_id == r.pk
                            and m.start < end + timedelta(minutes=r.setup_buffer_minutes)
                            and m.room_held_until > moment
                            for m in held
                        )
                    )
                ),
                key=lambda r: (r.capacity, r.order, r.name, r.pk),
            )
            if free:
                expected.append((moment, [r.pk for r in free]))
        moment += timedelta(minutes=15)
    return expected[:MAX_SLOTS]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    busy=busy_strategy,
    rooms=room_strategy,
    bookings=booking_strategy,
    duration=st.sampled_from([15, 30, 45, 60, 90, 150]),
    min_capacity=st.integers(0, 8),
)
def test_matches_a_brute_force_check(user, department, busy, rooms, bookings, duration, min_capacity):
    Meeting.objects.all().delete()
    Room.objects.all().delete()
    people = [user, *UserFactory.create_batch(2, department=department)]
    made = [
        Room.objects.create(
            name=f"室{n}",
            capacity=capacity,
            setup_buffer_minutes=buffer,
            allow_overlap=overlap,
            active=active or n == 0,
        )
        for n, (capacity, buffer, overlap, active) in enumerate(rooms)
    ]
    for who, half_hour, length in busy:
        start = WINDOW[0] + timedelta(minutes=30 * half_hour)
        _hold(people[who], start, start + timedelta(minutes=30 * length))
    ends: dict[int, datetime] = {}
    for which, ten_minutes, length in sorted(bookings, key=lambda b: b[1]):
        room = made[which % len(made)]
        start = WINDOW[0] + timedelta(minutes=10 * ten_minutes)
        if room.allow_overlap or start >= ends.get(room.pk, WINDOW[0]):  # exclusive rooms: never overlapping
            meeting = _hold(None, start, start + timedelta(minutes=20 * length), room=room)
            ends[room.pk] = max(ends.get(room.pk, WINDOW[0]), meeting.room_held_until)
    found = _slots(user, people, duration, *WINDOW, min_capacity=min_capacity)
    assert [(s.start, [r.pk for r in s.rooms]) for s in found] == _brute_force(
        people, timedelta(minutes=duration), min_capacity
    )


# --- The page --------------------------------------------------------------------------------------


def _page_query(*people, **extra):
    return {
        "attendees": [p.pk for p in people],
        "duration_minutes": 60,
        "first_day": "2025-09-26",
        "last_day": "2025-09-26",
        **extra,
    }


def test_the_page_finds_slots_and_a_click_opens_the_filled_booking_form(client_of, user, room, department):
    other = UserFactory(department=department)
    _hold(other, t(26, 9), t(26, 10), title="人事沟通会", private=True)
    page = client_of(user)
    assert page.get("/meetings/free-slots/").status_code == 200
    response = page.get("/meetings/free-slots/", _page_query(user, other))
    text = response.content.decode()
    assert response.status_code == 200
    assert "人事沟通会" not in text
    links = [part.split('"')[0] for part in text.split('class="btn btn-sm btn-outline-primary book-slot" href="')[1:]]
    assert links and links[0].startswith("/meetings/new/?start=2025-09-26T10%3A00&amp;end=2025-09-26T11%3A00")
    form = page.get(links[0].replace("&amp;", "&")).content.decode()
    assert 'value="2025-09-26T10:00"' in form and 'value="2025-09-26T11:00"' in form
    assert f'<option value="{room.pk}" selected>' in form
    assert f'value="{other.pk}" selected' in form


def test_the_booking_form_ignores_an_unusable_prefill(client_of, user):
    assert client_of(user).get("/meetings/new/?start=garbage&room=abc&required=x").status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"duration_minutes": 5},
        {"duration_minutes": 600},
        {"last_day": "2025-09-25"},
        {"last_day": "2025-12-31"},
        {"first_day": "garbage"},
        {"attendees": []},
        {"attendees": ["99999999999999999999999"]},
        {"min_capacity": "-3"},
    ],
)
def test_bad_page_input_is_a_400_not_a_500(client_of, user, change):
    assert client_of(user).get("/meetings/free-slots/", _page_query(user, **change)).status_code == 400


def test_the_meetings_menu_links_the_page(client_of, user):
    assert 'id="nav-free-slots"' in client_of(user).get("/meetings/").content.decode()


# --- Query budgets: the same count with few and with many meetings ------------------------------


def _fill(people, size):
    rooms = [Room.objects.create(name=f"会议室{size}-{n}", capacity=20) for n in range(1 + size // 4)]
    for n in range(size):
        start = t(26, 9) + timedelta(days=n % 3, minutes=30 * (n % 16))
        _hold(people[n % len(people)], start, start + timedelta(minutes=30), room=rooms[n % len(rooms)])
        _hold(people[(n + 1) % len(people)], start, start + timedelta(minutes=30), private=True)


def _count(call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200, response.content[:300]
    return len(queries)


# API (forced authentication): the people (exist, active), their busy intervals (attendance,
# delegates, which of those meetings the asker may see; leaders' schedule entries: relations' busy
# source), the rooms, the rooms' bookings.
# Page: + session, user, the form's check of the chosen people, the picker's rendering of them, and
# the navigation's office flag.
BUDGET = {"api": 7, "page": 12}


@pytest.mark.parametrize("path", list(BUDGET))
def test_queries_do_not_grow_with_the_data(path, client_of, user, department):
    people = [user, *UserFactory.create_batch(3, department=department)]
    counts = []
    for size in (4, 40):
        Meeting.objects.all().delete()
        Room.objects.all().delete()
        _fill(people, size)
        if path == "api":
            client = as_(user)
            body = {
                "attendees": [p.pk for p in people],
                "duration_minutes": 30,
                "window_start": t(26, 0).isoformat(),
                "window_end": t(10, 0, month=10).isoformat(),
            }

            def call(client=client, body=body):
                return client.post("/api/v1/meetings/free-slots/", body, format="json")
        else:
            client = client_of(user)

            def call(client=client):
                return client.get("/meetings/free-slots/", _page_query(*people, last_day="2025-10-09"))

        call()  # warm: the session, the calendar's override table, the navigation's cache
        counts.append(_count(call))
    assert counts == [BUDGET[path]] * 2, counts
