"""The clash check (会议撞车): a room held twice, a required attendee or a leader booked twice.

``find_clashes`` is a read: pages check as the person types, the API's ``check`` answers with it, and
the services call it before saving. A room clash is always refused (and on PostgreSQL also refused
by the database, whatever raced); attendee and leader clashes are refused unless a reason is given.
People's busy time comes from every registered source (``meetings.busy``); what the asking person
may not see is reported as "busy" only, without title, organizer or meeting id.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User

from .busy import busy_intervals
from .models import AttendeeRole, Meeting, MeetingStatus, Room
from .selectors import visible_ids


class ClashKind(models.TextChoices):
    ROOM = "room", _lazy("Room")
    ATTENDEE = "attendee", _lazy("Attendee")
    LEADER = "leader", _lazy("Leader")


@dataclass(frozen=True)
class Invitee:
    user: User
    role: str = AttendeeRole.REQUIRED


@dataclass(frozen=True)
class Clash:
    kind: str
    start: datetime
    end: datetime
    # What the asking person may learn (None: they may not see it, so only "busy").
    meeting_id: int | None = None
    title: str | None = None
    organizer: str | None = None
    user: User | None = None
    room: Room | None = None
    # The occurrence of a recurring meeting that has this clash (the live check lists them by date).
    occurrence_date: date | None = None

    @property
    def hard(self) -> bool:
        return self.kind == ClashKind.ROOM

    def as_data(self) -> dict[str, Any]:
        """API.md's conflict: ``{"kind","meeting","start","end","user"?}`` (+ ``title``, ``organizer``)."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "meeting": self.meeting_id,
            "start": self.start,
            "end": self.end,
            "title": self.title,
            "organizer": self.organizer,
        }
        if self.user is not None:
            data["user"] = self.user.pk
        return data

    def describe(self) -> str:
        """One sentence a person can act on, in the active language."""
        when = _span(self.start, self.end)
        if self.kind == ClashKind.ROOM:
            name = self.room.name if self.room is not None else ""
            if self.title is None:
                return _("%(room)s is busy %(when)s.") % {"room": name, "when": when}
            return _("%(room)s is booked %(when)s for “%(title)s” (organizer: %(organizer)s).") % {
                "room": name,
                "when": when,
                "title": self.title,
                "organizer": self.organizer,
            }
        person = self.user.display_name if self.user is not None else ""
        if self.title is None:
            return _("%(person)s is busy %(when)s.") % {"person": person, "when": when}
        return _("%(person)s is in “%(title)s” %(when)s (organizer: %(organizer)s).") % {
            "person": person,
            "when": when,
            "title": self.title,
            "organizer": self.organizer,
        }


def _span(start: datetime, end: datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    last = "H:i" if start.date() == end.date() else "Y-m-d H:i"
    return f"{date_format(start, 'Y-m-d H:i')}–{date_format(end, last)}"


def room_held_until(room: Room | None, end: datetime) -> datetime:
    """When a meeting ending at ``end`` frees ``room``: after the room's set-up buffer."""
    return end + timedelta(minutes=room.setup_buffer_minutes) if room is not None else end


def holds_room_exclusively(room: Room | None) -> bool:
    return room is not None and not room.allow_overlap


def room_clashes(
    *, viewer: Any, room: Room | None, start: datetime, end: datetime, exclude_meeting_id: int | None = None
) -> list[Clash]:
    """The scheduled meetings holding ``room`` during ``[start, end + buffer)`` (adjacent is fine)."""
    if room is None or room.allow_overlap:
        return []
    taken = Meeting.objects.filter(
        room=room,
        status=MeetingStatus.SCHEDULED,
        room_exclusive=True,
        start__lt=room_held_until(room, end),
        room_held_until__gt=start,
    )
    if exclude_meeting_id is not None:
        taken = taken.exclude(pk=exclude_meeting_id)
    taken = taken.select_related("organizer").order_by("start", "id")
    rows = list(taken[:50])
    shown = visible_ids(user=viewer, meeting_ids=[m.pk for m in rows])
    return [
        Clash(
            kind=ClashKind.ROOM,
            start=m.start,
            end=m.end,
            meeting_id=m.pk if m.pk in shown else None,
            title=m.title if m.pk in shown else None,
            organizer=m.organizer.display_name if m.pk in shown else None,
            room=room,
        )
        for m in rows
    ]


def people_clashes(
    *,
    viewer: Any,
    invitees: Sequence[Invitee],
    start: datetime,
    end: datetime,
    exclude_meeting_id: int | None = None,
) -> list[Clash]:
    """Required attendees (kind ``attendee``) and leaders among the invited (kind ``leader``) who are
    busy during ``[start, end)``. Optional attendees who are not leaders may be busy."""
    concerned = {i.user.pk: i for i in invitees if i.user.is_leader or i.role == AttendeeRole.REQUIRED}
    intervals = busy_intervals(
        user_ids=concerned, start=start, end=end, viewer=viewer, exclude_meeting_id=exclude_meeting_id
    )
    return [
        Clash(
            kind=ClashKind.LEADER if concerned[i.user_id].user.is_leader else ClashKind.ATTENDEE,
            start=i.start,
            end=i.end,
            meeting_id=i.meeting_id,
            title=i.title,
            organizer=i.organizer,
            user=concerned[i.user_id].user,
        )
        for i in intervals
    ]


def find_clashes(
    *,
    viewer: Any,
    start: datetime,
    end: datetime,
    room: Room | None = None,
    invitees: Sequence[Invitee] = (),
    exclude_meeting_id: int | None = None,
) -> list[Clash]:
    """Every clash of a meeting in ``room`` during ``[start, end)`` with ``invitees``: room first."""
    if end <= start:
        return []
    return [
        *room_clashes(viewer=viewer, room=room, start=start, end=end, exclude_meeting_id=exclude_meeting_id),
        *people_clashes(viewer=viewer, invitees=invitees, start=start, end=end, exclude_meeting_id=exclude_meeting_id),
    ]


def room_overlaps_exist(room: Room) -> bool:
    """Whether two scheduled meetings hold ``room`` at once (after its buffer or overlap rule changed)."""
    mine = Meeting.objects.filter(room=room, status=MeetingStatus.SCHEDULED, room_exclusive=True)
    other = mine.filter(start__lt=OuterRef("room_held_until"), room_held_until__gt=OuterRef("start")).exclude(
        pk=OuterRef("pk")
    )
    return mine.filter(Q(Exists(other))).exists()
