"""The demo bureau's meetings carry a follow-up: replies, a published agenda, positions, a
resolution, minutes and a decision that is a matter on its owner's desk."""

import pytest
from django.core.management import call_command

from affairs.models import MatterSource
from meetings.demo import WEEKLY_COUNT, WEEKLY_TITLE, next_weekly_meeting
from meetings.models import (
    AgendaItem,
    AgendaItemStatus,
    AttendeeResponse,
    Decision,
    Meeting,
    MeetingSeries,
    Minutes,
    Position,
)
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db


def test_the_demo_meetings_have_their_follow_up():
    call_command("seed_demo", verbosity=0)
    series = MeetingSeries.objects.get()
    assert (series.freq, series.count) == ("weekly", WEEKLY_COUNT)
    occurrences = list(Meeting.objects.filter(title=WEEKLY_TITLE).order_by("start"))
    assert len(occurrences) == WEEKLY_COUNT and {m.series_id for m in occurrences} == {series.pk}
    weekly = next_weekly_meeting()
    assert weekly == occurrences[0]  # the agenda is on the next occurrence
    assert not AgendaItem.objects.filter(meeting__in=occurrences[1:]).exists()
    assert (
        AgendaItem.objects.filter(meeting=weekly, status=AgendaItemStatus.ACCEPTED, published_at__isnull=False).count()
        == 2
    )
    assert weekly.attendees.filter(response=AttendeeResponse.DELEGATED, delegate__username="maxy").exists()
    talk = Meeting.objects.get(title="办公用房调整协调会")
    assert Position.objects.filter(meeting=talk).count() == 3
    minutes = Minutes.objects.get(meeting=talk)
    assert minutes.resolution and minutes.published_at
    decision = Decision.objects.get(meeting=talk)
    assert decision.matter.source == MatterSource.MEETING_DECISION and decision.matter.lead.username == "limh"
    assert WorkItem.objects.filter(
        assignee__username="limh", kind=WorkItemKind.MATTER, target_id=decision.matter_id, status=WorkItemStatus.OPEN
    ).exists()
    counts = (
        Meeting.objects.count(),
        MeetingSeries.objects.count(),
        AgendaItem.objects.count(),
        Position.objects.count(),
    )
    call_command("seed_demo", verbosity=0)  # idempotent: adds nothing
    assert Decision.objects.filter(meeting=talk).count() == 1
    assert counts == (
        Meeting.objects.count(),
        MeetingSeries.objects.count(),
        AgendaItem.objects.count(),
        Position.objects.count(),
    )
