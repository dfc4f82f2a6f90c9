"""Reads of meetings, filtered to what the requesting person may see.

The rule (one place, ``meeting_visibility``; registered with the ledger in ``MeetingsConfig.ready``
so that work items, notifications and admin pages ask it too):

- Clearance binds everyone: a meeting classified above a person's clearance is invisible to them,
  its own people included (a person whose clearance was lowered sees only "busy").
- Its organizer, its attendees and their delegates see it.
- Anyone else sees a meeting that is not private (its title, time, room, organizer and attendees):
  meetings are the bureau's shared calendar. A private meeting reaches only its organizer and the
  invited; everyone else, administrators, the office and leaders included, gets a 404 for it and
  sees its room or its people only as "busy" (no title, no id).
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from core.enums import Classification

from .busy import BusyInterval
from .models import Attendee, AttendeeResponse, Meeting, MeetingStatus, Room


def participant_condition(user: Any) -> Q:
    """Meetings ``user`` organizes, is invited to, or attends as someone's delegate."""
    attending = Attendee.objects.filter(Q(user=user) | Q(delegate=user)).values("meeting_id")
    return Q(organizer=user) | Q(pk__in=attending)


def meeting_visibility(user: Any) -> Q:
    """The condition a meeting must meet to be visible to ``user`` (see the module's docstring)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    cleared = Q(classification__in=Classification.up_to(user.clearance))
    return cleared & (Q(private=False) | participant_condition(user))


def meetings_visible(*, user: Any) -> QuerySet[Meeting]:
    return Meeting.objects.filter(meeting_visibility(user))


def meeting_list(*, user: Any) -> QuerySet[Meeting]:
    """Visible meetings with what a list row shows; filtered by ``meetings.filters.MeetingFilter``."""
    return meetings_visible(user=user).select_related("room", "organizer")


def my_meetings(*, user: Any) -> QuerySet[Meeting]:
    """The meetings ``user`` organizes or is invited to (or attends as a delegate), visible to them."""
    return meeting_list(user=user).filter(participant_condition(user))


def meeting_get(*, user: Any, pk: int) -> Meeting:
    """One visible meeting with its room, organizer and attendees, or 404."""
    attendees = Attendee.objects.select_related("user", "delegate").order_by("role", "id")
    meeting = (
        meetings_visible(user=user)
        .select_related("room", "organizer", "department", "series")
        .prefetch_related(Prefetch("attendees", queryset=attendees))
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def rooms_bookable() -> QuerySet[Room]:
    return Room.objects.filter(active=True)


def room_list(*, user: Any) -> QuerySet[Room]:
    """Rooms are not secret: every signed-in person sees the list (active ones first)."""
    return Room.objects.order_by("-active", "order", "name", "id")


def visible_ids(*, user: Any, meeting_ids: Iterable[int]) -> set[int]:
    """Which of ``meeting_ids`` ``user`` may see (one query)."""
    ids = set(meeting_ids)
    if not ids:
        return set()
    return set(meetings_visible(user=user).filter(pk__in=ids).values_list("pk", flat=True))


def room_calendar(*, user: Any, start: datetime, end: datetime) -> tuple[list[Room], list[Meeting]]:
    """Active rooms and their scheduled meetings overlapping ``[start, end)``; each meeting carries
    ``shown`` (whether ``user`` may see its title: otherwise the page says only "busy")."""
    rooms = list(Room.objects.filter(active=True).order_by("order", "name", "id"))
    meetings = list(
        Meeting.objects.filter(
            room__in=[r.pk for r in rooms], status=MeetingStatus.SCHEDULED, start__lt=end, end__gt=start
        )
        .select_related("organizer")
        .order_by("start", "id")
    )
    shown = visible_ids(user=user, meeting_ids=[m.pk for m in meetings])
    for meeting in meetings:
        meeting.shown = meeting.pk in shown  # type: ignore[attr-defined]
    return rooms, meetings


def meeting_busy_intervals(
    *,
    user_ids: frozenset[int],
    start: datetime,
    end: datetime,
    viewer: Any,
    exclude_meeting_id: int | None,
) -> list[BusyInterval]:
    """The meetings' busy source (``meetings.busy``): people held by scheduled meetings, as
    attendees who have not declined or as delegates sent in someone's place."""
    window = Q(end__gt=start, start__lt=end)
    held = Attendee.objects.filter(window, busy=True, user_id__in=user_ids).values_list(
        "user_id", "meeting_id", "start", "end"
    )
    delegated = Attendee.objects.filter(
        window,
        response=AttendeeResponse.DELEGATED,
        delegate_id__in=user_ids,
        meeting__status=MeetingStatus.SCHEDULED,
    ).values_list("delegate_id", "meeting_id", "start", "end")
    rows = [r for r in (*held, *delegated) if r[1] != exclude_meeting_id]
    if not rows:
        return []
    seen = {
        m.pk: m
        for m in meetings_visible(user=viewer)
        .filter(pk__in={r[1] for r in rows})
        .select_related("organizer")
        .only("id", "title", "organizer__name", "organizer__username", "organizer__first_name", "organizer__last_name")
    }
    intervals = []
    for user_id, meeting_id, busy_start, busy_end in rows:
        meeting = seen.get(meeting_id)
        intervals.append(
            BusyInterval(
                user_id=user_id,
                start=busy_start,
                end=busy_end,
                source="meeting",
                meeting_id=meeting.pk if meeting else None,
                title=meeting.title if meeting else None,
                organizer=meeting.organizer.display_name if meeting else None,
            )
        )
    return intervals
