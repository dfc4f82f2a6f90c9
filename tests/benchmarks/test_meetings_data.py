"""``benchmarks/meetings_data.py`` through the generator: rooms, meetings that never hold a room
twice, attendees held by scheduled meetings only, and a reset that removes them."""

from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from benchmarks.generate import Command
from core import calendar
from meetings.clashes import room_overlaps_exist
from meetings.models import Attendee, Meeting, MeetingStatus, Room

pytestmark = pytest.mark.django_db


def generate(*args: str) -> None:
    call_command(Command(), "--size", "XS", *args, stdout=StringIO())


def test_meetings_fill_rooms_without_overlaps_on_working_days():
    generate("--meetings", "300")
    assert Room.objects.filter(name__startswith="gen-").count() == 3
    assert Meeting.objects.count() == 300
    assert all(not room_overlaps_exist(room) for room in Room.objects.all())
    for meeting in Meeting.objects.all()[:100]:
        assert calendar.is_workday(meeting.start.astimezone(ZoneInfo("Asia/Shanghai")).date())
        assert meeting.end > meeting.start
    assert Meeting.objects.filter(status=MeetingStatus.CANCELLED).exists()
    counts = [m.attendees.count() for m in Meeting.objects.all()[:50]]
    assert min(counts) >= 2 and max(counts) <= 12
    assert not Attendee.objects.filter(meeting__status=MeetingStatus.CANCELLED, busy=True).exists()
    assert not Attendee.objects.filter(meeting__status=MeetingStatus.SCHEDULED, busy=False).exists()


def test_reset_removes_generated_meetings_and_rooms():
    generate()
    kept = Room.objects.create(name="真实会议室", capacity=10)
    generate("--reset", "--meetings", "0")
    assert not Meeting.objects.exists() and not Attendee.objects.exists()
    assert list(Room.objects.all()) == [kept]
