"""Generated meetings for the benchmarks (``benchmarks/generate.py`` calls ``generate_meetings``).

Rooms (``gen-`` names: capacity 6 to 80, some with a set-up buffer, a few halls that allow
overlapping bookings) and meetings over a year of working days (nine months back, three ahead)
within working hours, each room booked on a grid of its own so that no two bookings hold a room at
once (the database's exclusion constraint holds on PostgreSQL), with 2 to 12 attendees each. A
twentieth are cancelled (their attendees no longer held), a twentieth private, a few classified.
As many meetings per person at every size: M and L differ in volume, not in how busy one is.

Like the rest of the generator: ``bulk_create`` in batches, a seeded random generator, no services,
work items, signals or audit (synthetic volume), rows recognisable for ``--reset`` (meetings
organized by generated people, rooms named ``gen-…``).
"""

import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from core import calendar
from core.enums import Classification
from meetings.models import Attendee, AttendeeRole, Meeting, MeetingKind, MeetingStatus, Room

ROOM_PREFIX = "gen-"
# (start, minutes): the grid of a room's day; a booking takes one cell, a cell is skipped at random.
CELLS = [(time(9, 0), 60), (time(10, 15), 90), (time(13, 30), 60), (time(14, 45), 90), (time(16, 30), 60)]
DAYS_BACK, DAYS_AHEAD = 270, 95
TITLES = [
    "局务会",
    "办公会",
    "专题会",
    "协调会",
    "预算执行分析会",
    "安全生产工作会",
    "信息化建设推进会",
    "督查工作例会",
    "人事工作沟通会",
    "档案工作部署会",
]
KINDS = [MeetingKind.REGULAR, MeetingKind.OFFICE, MeetingKind.TOPIC, MeetingKind.COORDINATION]


def _working_days(now: datetime) -> list[date]:
    today = timezone.localtime(now).date()
    days = [today + timedelta(days=n) for n in range(-DAYS_BACK, DAYS_AHEAD)]
    return [d for d in days if calendar.is_workday(d)]


def generate_meetings(
    insert: Callable[[Any, Iterator[Any], int, str], None],
    *,
    count: int,
    rooms: int,
    people: list[User],
    rng: random.Random,
    now: datetime,
) -> None:
    """Write ``rooms`` rooms and ``count`` meetings with their attendees."""
    if count == 0 or rooms == 0:
        return
    made = [
        Room(
            name=f"{ROOM_PREFIX}会议室{n + 1:03d}",
            location=f"{n // 20 + 1}号楼{n % 20 + 1:02d}室",
            capacity=rng.choice((6, 10, 12, 20, 30, 50, 80)),
            setup_buffer_minutes=rng.choice((0, 0, 0, 10, 15)),
            allow_overlap=n % 25 == 24,
            order=1000 + n,
        )
        for n in range(rooms)
    ]
    Room.objects.bulk_create(made)
    made = list(Room.objects.filter(name__startswith=ROOM_PREFIX).order_by("order"))
    days = _working_days(now)
    zone = timezone.get_default_timezone()
    cells = [(room, day, cell) for room in made for day in days for cell in CELLS]
    if count > len(cells):
        raise ValueError(f"{count} meetings do not fit {rooms} rooms over {len(days)} working days")
    chosen = sorted(rng.sample(range(len(cells)), count))
    meetings: list[Meeting] = []
    for index in chosen:
        room, day, (begin, minutes) = cells[index]
        start = datetime.combine(day, begin, tzinfo=zone)
        end = start + timedelta(minutes=minutes)
        cancelled = rng.random() < 0.05
        meetings.append(
            Meeting(
                title=rng.choice(TITLES),
                kind=rng.choice(KINDS),
                organizer=rng.choice(people),
                room=room,
                start=start,
                end=end,
                status=MeetingStatus.CANCELLED if cancelled else MeetingStatus.SCHEDULED,
                private=rng.random() < 0.05,
                classification=Classification.SECRET if rng.random() < 0.02 else Classification.INTERNAL,
                room_held_until=end + timedelta(minutes=room.setup_buffer_minutes),
                room_exclusive=not room.allow_overlap,
                created_at=min(start - timedelta(days=rng.randint(1, 14)), now),
                updated_at=now,
            )
        )
    meetings.sort(key=lambda m: (m.created_at, m.start))  # newest ids the most recently booked
    insert(Meeting, iter(meetings), count, "meetings")
    if meetings[0].pk is None:  # a backend that does not return the keys of a bulk insert
        by_key = {
            (room_id, start): pk
            for pk, room_id, start in Meeting.objects.filter(room__in=made).values_list("pk", "room_id", "start")
        }
        for meeting in meetings:
            meeting.pk = by_key[(meeting.room_id, meeting.start)]

    def attendees() -> Iterator[Attendee]:
        for meeting in meetings:
            invited = rng.sample(people, min(len(people), rng.randint(2, 12)))
            if meeting.organizer not in invited:
                invited[0] = meeting.organizer
            for n, person in enumerate(invited):
                yield Attendee(
                    meeting_id=meeting.pk,
                    user=person,
                    role=AttendeeRole.OPTIONAL if n and rng.random() < 0.2 else AttendeeRole.REQUIRED,
                    start=meeting.start,
                    end=meeting.end,
                    busy=meeting.status == MeetingStatus.SCHEDULED,
                )

    insert(Attendee, attendees(), count * 7, "meeting attendees")
