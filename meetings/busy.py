"""Busy intervals of people: the registry of sources the clash check and (later) the free-slot
finder read.

A source answers, for some people and a time window, when each of them is busy, and what the person
asking may learn of it: the title, meeting id and organizer of something they may see, or only that
the person is busy. ``meetings`` registers its own source (its meetings' attendees, in
``MeetingsConfig.ready``); higher layers register theirs at start-up (``relations``: leaders'
schedules, 领导日程) without ``meetings`` importing them (DESIGN.md, Layers)::

    from meetings.busy import BusyInterval, register_busy_source

    def leader_schedule(*, user_ids, start, end, viewer, exclude_meeting_id):
        ...  # yield BusyInterval(user_id=..., start=..., end=..., source="schedule", title=... or None)

    register_busy_source("relations.schedule", leader_schedule)

A source must return only intervals that overlap ``[start, end)`` (touching ends do not), must say
nothing the viewer may not see (``title``, ``meeting_id`` and ``organizer`` None then), and skips
the meeting ``exclude_meeting_id`` (the one being rescheduled) and anything that mirrors it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class BusyInterval:
    user_id: int
    start: datetime
    end: datetime
    source: str = "meeting"
    # What the viewer may learn: all three None when they may not see what holds the person.
    meeting_id: int | None = None
    title: str | None = None
    organizer: str | None = None

    @property
    def visible(self) -> bool:
        return self.title is not None


class BusySource(Protocol):
    def __call__(
        self,
        *,
        user_ids: frozenset[int],
        start: datetime,
        end: datetime,
        viewer: Any,
        exclude_meeting_id: int | None,
    ) -> Iterable[BusyInterval]: ...


_sources: dict[str, BusySource] = {}


def register_busy_source(name: str, source: BusySource) -> None:
    """Add (or replace, by ``name``) a source of busy intervals; call from ``AppConfig.ready``."""
    _sources[name] = source


def busy_intervals(
    *,
    user_ids: Iterable[int],
    start: datetime,
    end: datetime,
    viewer: Any,
    exclude_meeting_id: int | None = None,
) -> list[BusyInterval]:
    """Every source's busy intervals of ``user_ids`` overlapping ``[start, end)``, by start."""
    wanted = frozenset(user_ids)
    if not wanted or end <= start:
        return []
    found: list[BusyInterval] = []
    for source in _sources.values():
        found.extend(
            interval
            for interval in source(
                user_ids=wanted, start=start, end=end, viewer=viewer, exclude_meeting_id=exclude_meeting_id
            )
            if interval.user_id in wanted and interval.start < end and interval.end > start
        )
    return sorted(found, key=lambda i: (i.start, i.end, i.user_id))
