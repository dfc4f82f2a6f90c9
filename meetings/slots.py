"""The free-slot finder (空闲时段): when can these people meet, and in which rooms.

A read, shared by ``POST /api/v1/meetings/free-slots/`` and the free-slot page. Slots are cut on a
fixed grid (``GRANULARITY``, 30 minutes from the start of each working period) on working days of
``core.calendar`` (statutory holidays, 调休 make-up days and the administrators' overrides), and lie
wholly inside one working period of ``settings.WORKING_HOURS`` (a meeting does not run through the
lunch break). A slot is offered when every attendee is free then (``meetings.busy``: every registered
source, as the asking person sees it; the finder shows no one's other meetings, only free time) and
at least one active room with enough seats is free for it, its set-up buffer included (a room that
allows overlapping bookings is always free). The earliest ``MAX_SLOTS`` slots are returned.

Two reads of the database whatever the window holds: the attendees' busy intervals (one gathering
over the whole window) and the rooms' bookings in it; the rest is a sweep in Python.
"""

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import calendar
from core.errors import ValidationError

from .busy import busy_intervals
from .models import Meeting, MeetingStatus, Room

GRANULARITY = timedelta(minutes=30)
MAX_SLOTS = 50
MAX_WINDOW = timedelta(days=31)
MIN_DURATION_MINUTES = 15
MAX_ATTENDEES = 100
# The room calendar's largest set-up buffer (``services.room_field_problems``): a booking that ends
# this long before the window may still hold its room into it.
_MAX_BUFFER = timedelta(minutes=240)


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    rooms: list[Room] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "rooms": [room.pk for room in self.rooms]}


class _Blocked:
    """Disjoint, sorted busy intervals: ``overlaps(start, end)`` by binary search."""

    def __init__(self, intervals: Iterable[tuple[datetime, datetime]]) -> None:
        merged: list[list[datetime]] = []
        for start, end in sorted(intervals):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        # The first interval ending after ``start``; touching ends do not overlap.
        i = bisect_right(self.ends, start)
        return i < len(self.starts) and self.starts[i] < end


def max_duration_minutes() -> int:
    """The longest working period: a slot lies within one."""
    return max((p.minutes for p in calendar.working_periods()), default=0)


def _days(start: datetime, end: datetime) -> list[date]:
    first, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def candidate_slots(*, start: datetime, end: datetime, duration: timedelta) -> list[tuple[datetime, datetime]]:
    """Every grid slot of ``duration`` inside ``[start, end)`` on working days within one working
    period, in time order."""
    zone = timezone.get_default_timezone()
    found = []
    for day in _days(start, end):
        if not calendar.is_workday(day):
            continue
        for period in calendar.working_periods():
            moment = datetime.combine(day, period.start, tzinfo=zone)
            period_end = datetime.combine(day, period.end, tzinfo=zone)
            while moment + duration <= period_end:
                if moment >= start and moment + duration <= end:
                    found.append((moment, moment + duration))
                moment += GRANULARITY
    return found


def _validate(
    *, attendee_ids: Sequence[int], duration_minutes: int, window_start: datetime, window_end: datetime
) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    longest = max_duration_minutes()
    if not MIN_DURATION_MINUTES <= duration_minutes <= longest:
        fields["duration_minutes"] = [
            _("Between %(low)d and %(high)d minutes (a slot lies within one working period).")
            % {"low": MIN_DURATION_MINUTES, "high": longest}
        ]
    if timezone.is_naive(window_start) or timezone.is_naive(window_end):
        fields["window_start"] = [_("The time must carry a time zone.")]
    elif window_end <= window_start:
        fields["window_end"] = [_("The window must end after it starts.")]
    elif window_end - window_start > MAX_WINDOW:
        fields["window_end"] = [_("Search at most %(days)d days at once.") % {"days": MAX_WINDOW.days}]
    if not attendee_ids:
        fields["attendees"] = [_("Name at least one attendee.")]
    elif len(set(attendee_ids)) > MAX_ATTENDEES:
        fields["attendees"] = [_("At most %(n)d attendees.") % {"n": MAX_ATTENDEES}]
    return fields


def find_free_slots(
    *,
    viewer: Any,
    attendee_ids: Sequence[int],
    duration_minutes: int,
    window_start: datetime,
    window_end: datetime,
    min_capacity: int = 0,
) -> list[Slot]:
    """The earliest free slots (at most ``MAX_SLOTS``) for these people, each with its free rooms
    (smallest fitting first). Refused (``ValidationError``) for a window over ``MAX_WINDOW``, a
    duration outside one working period, or people who do not exist or are no longer active."""
    fields = _validate(
        attendee_ids=attendee_ids,
        duration_minutes=duration_minutes,
        window_start=window_start,
        window_end=window_end,
    )
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    wanted = set(attendee_ids)
    found = set(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
    if found != wanted:
        missing = ", ".join(str(pk) for pk in sorted(wanted - found))
        message = _("No such active person: %(ids)s.") % {"ids": missing}
        raise ValidationError(message, fields={"attendees": [message]})

    # No slot in the past: the grid starts at the next grid point from now.
    start = max(window_start, timezone.now())
    candidates = candidate_slots(start=start, end=window_end, duration=timedelta(minutes=duration_minutes))
    if not candidates:
        return []
    first, last = candidates[0][0], candidates[-1][1]

    people = _Blocked((i.start, i.end) for i in busy_intervals(user_ids=wanted, start=first, end=last, viewer=viewer))
    seats = max(min_capacity, len(wanted))
    rooms = list(Room.objects.filter(active=True, capacity__gte=seats).order_by("capacity", "order", "name", "id"))
    bookings: dict[int, list[tuple[datetime, datetime]]] = {room.pk: [] for room in rooms}
    held = Meeting.objects.filter(
        room__in=[room.pk for room in rooms if not room.allow_overlap],
        status=MeetingStatus.SCHEDULED,
        room_exclusive=True,
        start__lt=last + _MAX_BUFFER,
        room_held_until__gt=first,
    ).values_list("room_id", "start", "room_held_until")
    if any(not room.allow_overlap for room in rooms):
        for room_id, booked_start, booked_until in held:
            bookings[room_id].append((booked_start, booked_until))
    taken = {pk: _Blocked(intervals) for pk, intervals in bookings.items()}

    slots: list[Slot] = []
    for slot_start, slot_end in candidates:
        if people.overlaps(slot_start, slot_end):
            continue
        free = [
            room
            for room in rooms
            if room.allow_overlap
            or not taken[room.pk].overlaps(slot_start, slot_end + timedelta(minutes=room.setup_buffer_minutes))
        ]
        if free:
            slots.append(Slot(start=slot_start, end=slot_end, rooms=free))
            if len(slots) >= MAX_SLOTS:
                break
    return slots
