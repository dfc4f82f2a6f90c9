"""The demo bureau's meetings carry a follow-up: replies, a published agenda, positions, a
resolution, minutes and a decision that is a matter on its owner's desk."""

import pytest
from django.core.management import call_command

from affairs.models import MatterSource
from meetings.models import AgendaItem, AgendaItemStatus, AttendeeResponse, Decision, Meeting, Minutes, Position
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db


def test_the_demo_meetings_have_their_follow_up():
    call_command("seed_demo", verbosity=0)
    weekly = Meeting.objects.get(title="局长办公会（每周例会）")
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
    call_command("seed_demo", verbosity=0)  # idempotent
    assert Decision.objects.filter(meeting=talk).count() == 1
