"""Decisions (决定事项) that become ``affairs`` matters, linked both ways, under the matters' own
assignment rules; and a coordination meeting's positions (立场) and resolution (协调结果)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from affairs.models import Matter, MatterSource, MatterStatus
from core.audit import AuditEvent
from core.enums import Classification
from meetings.models import Decision, MeetingKind, Position
from tests.api import as_, assert_error
from tests.factories import DepartmentFactory, UserFactory
from tests.meetings.conftest import at
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db


def decide(person, meeting, lead, **fields):
    body = {"text": "档案数字化由综合处牵头推进\n月底前形成方案", "lead": lead.pk, "due_on": _due(), **fields}
    return as_(person).post(f"/api/v1/meetings/{meeting.pk}/decisions/", body, format="json")


def _due():
    return (timezone.localdate() + timedelta(days=14)).isoformat()


def test_a_decision_becomes_a_matter_linked_both_ways_and_on_the_owners_desk(book, head, attendee, user, client_of):
    meeting = book(at(9), at(10), attendees=[attendee], actor=head)
    created = decide(head, meeting, attendee, assisting=[user.pk])
    assert created.status_code == 201, created.content
    data = created.json()
    assert set(data) == {"id", "matter"}
    decision = Decision.objects.get(pk=data["id"])
    matter = Matter.objects.get(pk=data["matter"])
    assert decision.matter == matter and decision.meeting == meeting
    assert matter.source == MatterSource.MEETING_DECISION and matter.source_object == decision
    assert matter.lead == attendee and list(matter.assisting.all()) == [user]
    assert matter.title == "档案数字化由综合处牵头推进" and matter.classification == meeting.classification
    assert WorkItem.objects.filter(assignee=attendee, kind=WorkItemKind.MATTER, target_id=matter.pk).exists()
    assert AuditEvent.objects.filter(verb="decision.record", target_id=decision.pk).exists()
    # The owner's desk shows it; the matter page leads back to the meeting; the meeting page shows its progress.
    desk = client_of(attendee).get("/").content.decode()
    assert matter.title in desk
    matter_page = client_of(attendee).get(matter.get_absolute_url()).content.decode()
    assert f"/meetings/decisions/{decision.pk}/" in matter_page
    back = client_of(attendee).get(f"/meetings/decisions/{decision.pk}/")
    assert back.status_code == 302 and back["Location"] == f"/meetings/{meeting.pk}/#decision-{decision.pk}"
    meeting_page = client_of(attendee).get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'id="decision-{decision.pk}"' in meeting_page and matter.get_absolute_url() in meeting_page
    listed = as_(user).get(f"/api/v1/meetings/{meeting.pk}/decisions/").json()
    assert listed[0]["matter"] == matter.pk and listed[0]["status"] == MatterStatus.IN_PROGRESS
    assert listed[0]["lead"]["id"] == attendee.pk


def test_the_matters_assignment_rules_apply(book, organizer, attendee):
    meeting = book(at(9), at(10), attendees=[attendee])  # the organizer heads no department
    assert_error(decide(organizer, meeting, attendee), 403, "may_not_assign")
    assert decide(organizer, meeting, organizer).status_code == 201  # anyone may take work on themselves
    assert Decision.objects.count() == 1 and Matter.objects.count() == 1  # the refused one left nothing


def test_refusals(book, head, attendee, department):
    meeting = book(at(9), at(10), attendees=[attendee], actor=head)
    assert_error(decide(attendee, meeting, attendee), 403, "not_organizer")
    uncleared = UserFactory(department=department, clearance=Classification.PUBLIC)
    assert_error(decide(head, meeting, uncleared), 400)
    assert_error(decide(head, meeting, attendee, due_on="2000-01-01"), 400)
    assert_error(decide(head, meeting, attendee, text="  "), 400)
    outsider_department = UserFactory(department=DepartmentFactory())
    assert_error(decide(head, meeting, outsider_department), 403, "may_not_assign")
    assert not Decision.objects.exists()


def test_the_office_records_decisions_for_anyone(book, office_member, attendee):
    meeting = book(at(9), at(10), attendees=[attendee])
    assert decide(office_member, meeting, UserFactory(department=DepartmentFactory())).status_code == 201


def test_decision_from_the_page(book, head, attendee, client_of):
    meeting = book(at(9), at(10), attendees=[attendee], actor=head)
    page = client_of(head)
    form = {
        "decision-text": "建立周报制度",
        "decision-lead": attendee.pk,
        "decision-due_on": _due(),
        "decision-priority": "routine",
    }
    done = page.post(f"/meetings/{meeting.pk}/decisions/", form)
    assert done.status_code == 302, done.content.decode()[:300]
    assert Decision.objects.get().matter.lead == attendee
    refused = client_of(attendee).post(f"/meetings/{meeting.pk}/decisions/", form)
    assert refused.status_code == 403


# --- Coordination meetings ----------------------------------------------------------------------


@pytest.fixture
def parties(db):
    finance, personnel = DepartmentFactory(name="财务处"), DepartmentFactory(name="人事处")
    finance_head = UserFactory(department=finance)
    finance.head = finance_head
    finance.save()
    return finance, personnel, finance_head


def test_positions_and_the_resolution(book, organizer, attendee, parties, client_of):
    finance, personnel, finance_head = parties
    meeting = book(at(9), at(10), attendees=[attendee, finance_head], kind=MeetingKind.COORDINATION)
    url = f"/api/v1/meetings/{meeting.pk}/positions/"
    first = as_(organizer).post(url, {"department": personnel.pk, "text": "人事处同意调整"}, format="json")
    assert first.status_code == 201, first.content
    own = as_(finance_head).post(url, {"department": finance.pk, "text": "财务处需追加预算"}, format="json")
    assert own.status_code == 201
    again = as_(finance_head).post(url, {"department": finance.pk, "text": "财务处同意，预算分两年"}, format="json")
    assert again.status_code == 201 and Position.objects.filter(meeting=meeting).count() == 2
    assert_error(as_(finance_head).post(url, {"department": personnel.pk, "text": "x"}, format="json"), 403)
    assert_error(as_(attendee).post(url, {"department": finance.pk, "text": "x"}, format="json"), 403)
    resolution = as_(organizer).put(
        f"/api/v1/meetings/{meeting.pk}/resolution/", {"text": "按两年分步实施"}, format="json"
    )
    assert resolution.status_code == 200 and resolution.json()["resolution"] == "按两年分步实施"
    assert_error(as_(finance_head).put(f"/api/v1/meetings/{meeting.pk}/resolution/", {"text": "x"}, format="json"), 403)
    listed = as_(attendee).get(url).json()
    assert [p["text"] for p in listed] == ["人事处同意调整", "财务处同意，预算分两年"]
    shown = client_of(attendee).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "财务处同意，预算分两年" in shown and "按两年分步实施" in shown and 'id="positions"' in shown
    assert AuditEvent.objects.filter(verb="position.record").count() == 3
    assert AuditEvent.objects.filter(verb="resolution.record").count() == 1


def test_the_position_form_refuses_who_speaks_for_no_party(book, organizer, attendee, parties, client_of):
    """An attendee who heads no party department is refused the position form (403, the rule's
    answer) even with a department chosen, as the API refuses them; the party's head records theirs."""
    finance, _personnel, finance_head = parties
    meeting = book(at(9), at(10), attendees=[attendee, finance_head], kind=MeetingKind.COORDINATION)
    url = f"/meetings/{meeting.pk}/positions/"
    body = {"position-department": finance.pk, "position-text": "财务处同意"}
    assert client_of(attendee).post(url, body).status_code == 403
    assert not Position.objects.filter(meeting=meeting).exists()
    assert client_of(finance_head).post(url, body).status_code == 302
    assert Position.objects.get(meeting=meeting).department == finance


def test_positions_belong_to_coordination_meetings(book, organizer, department):
    meeting = book(at(9), at(10))
    body = {"department": department.pk, "text": "x"}
    assert_error(
        as_(organizer).post(f"/api/v1/meetings/{meeting.pk}/positions/", body, format="json"), 409, "not_coordination"
    )
    assert_error(as_(organizer).put(f"/api/v1/meetings/{meeting.pk}/resolution/", {"text": "x"}, format="json"), 409)


def test_decision_work_items_follow_the_matter(book, head, attendee):
    meeting = book(at(9), at(10), attendees=[attendee], actor=head)
    matter = Matter.objects.get(pk=decide(head, meeting, attendee).json()["matter"])
    assert (
        WorkItem.objects.filter(target_id=matter.pk, kind=WorkItemKind.MATTER, status=WorkItemStatus.OPEN).count() == 1
    )
