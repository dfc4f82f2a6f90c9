"""Fixtures of the meeting tests: rooms, people, and ``book`` (a meeting through the service)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from meetings.clashes import Invitee
from meetings.models import AttendeeRole, Room
from meetings.services import meeting_create
from tests.factories import UserFactory


def at(hour: int, minute: int = 0, *, days: int = 1) -> datetime:
    """Tomorrow (or ``days`` ahead) at hour:minute, local time."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def room(db):
    return Room.objects.create(name="第一会议室", capacity=10, location="301")


@pytest.fixture
def buffered_room(db):
    return Room.objects.create(name="大会议室", capacity=50, setup_buffer_minutes=15)


@pytest.fixture
def open_room(db):
    return Room.objects.create(name="线上会议室", capacity=100, allow_overlap=True)


@pytest.fixture
def organizer(department):
    return UserFactory(username="organizer", name="周组织", department=department)


@pytest.fixture
def attendee(department):
    return UserFactory(username="attendee", name="吴参会", department=department)


@pytest.fixture
def outsider(department):
    return UserFactory(username="outsider", name="郑旁人", department=department)


@pytest.fixture
def book(organizer):
    """``book(start, end, room=..., attendees=[user, ...] or [Invitee...], actor=..., **fields)``."""

    def make(start, end, *, room=None, attendees=(), actor=None, **fields):
        invitees = [a if isinstance(a, Invitee) else Invitee(a, AttendeeRole.REQUIRED) for a in attendees]
        return meeting_create(
            actor=actor or organizer,
            title=fields.pop("title", "周例会"),
            start=start,
            end=end,
            room=room,
            attendees=invitees,
            **fields,
        )

    return make
