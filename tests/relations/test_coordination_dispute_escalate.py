"""Coordination matters, the rest of issue 10 item 1: a dispute (异议) after accepting, the office's
escalation to a leader who then rules, the coordination meeting linked from the page, and the
reminder engine urging the answer items; refusals, visibility and query counts for each."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.errors import Conflict, PermissionDenied, ValidationError
from core.models import AuditEvent
from meetings.models import MeetingKind
from meetings.services import meeting_create
from notifications.models import Notification, NotificationKind
from relations.models import CoordinationMatter, CoordinationStatus, PartyResponse
from relations.services_coordination import (
    coordination_dispute,
    coordination_escalate_to_leader,
    coordination_respond,
    coordinations_escalate_overdue,
)
from tests.api import as_, assert_error
from tests.factories import DepartmentFactory, LeaderFactory, UserFactory
from workload.models import WorkItem, WorkItemKind, WorkItemStatus
from workload.reminders import scan_work_items
from workload.services import workitem_reassign

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _items(coordination, **filters):
    return WorkItem.objects.filter(
        target_type=ContentType.objects.get_for_model(CoordinationMatter),
        target_id=coordination.pk,
        kind=WorkItemKind.COORDINATION,
        **filters,
    )


def _escalated(raise_matter, coop_dept):
    """A matter the cooperating department declined: with the office."""
    coordination = raise_matter()
    coordination_respond(
        actor=coop_dept.head, coordination=coordination, department=coop_dept, accept=False, reason="不归本处"
    )
    coordination.refresh_from_db()
    assert coordination.status == CoordinationStatus.ESCALATED
    return coordination


# --- Dispute (异议) --------------------------------------------------------------------------------


def test_a_department_that_accepted_disputes_and_the_matter_goes_to_the_office(
    raise_matter, lead_dept, coop_dept, office_head
):
    coordination = raise_matter()
    coordination_respond(actor=coop_dept.head, coordination=coordination, department=coop_dept, accept=True)
    coordination_dispute(actor=coop_dept.head, coordination=coordination, department=coop_dept, reason="牵头处不对")
    coordination.refresh_from_db()
    assert coordination.status == CoordinationStatus.ESCALATED
    party = coordination.parties.get(department=coop_dept)
    assert (party.response, party.reason, party.responded_by) == (PartyResponse.DISPUTED, "牵头处不对", coop_dept.head)
    # The office has an item to rule; the lead's pending answer item was withdrawn.
    assert _items(coordination, assignee=office_head, status=WorkItemStatus.OPEN).exists()
    assert not _items(coordination, assignee=lead_dept.head, status=WorkItemStatus.OPEN).exists()
    # Recorded in the matter's history (the audit log).
    assert AuditEvent.objects.filter(verb="coordination.dispute", target_id=coordination.pk).exists()


def test_dispute_refusals(raise_matter, lead_dept, coop_dept, raiser):
    coordination = raise_matter()
    # Not yet accepted: decline instead (409).
    with pytest.raises(Conflict):
        coordination_dispute(actor=coop_dept.head, coordination=coordination, department=coop_dept, reason="不对")
    coordination_respond(actor=coop_dept.head, coordination=coordination, department=coop_dept, accept=True)
    with pytest.raises(ValidationError) as missing:
        coordination_dispute(actor=coop_dept.head, coordination=coordination, department=coop_dept, reason="  ")
    assert "reason" in missing.value.fields
    for outsider in (lead_dept.head, raiser):
        with pytest.raises(PermissionDenied):
            coordination_dispute(actor=outsider, coordination=coordination, department=coop_dept, reason="不对")


def test_the_delegate_who_accepted_may_dispute(raise_matter, lead_dept, coop_dept):
    coordination = raise_matter()
    deputy = UserFactory(username="coop-deputy", department=coop_dept)
    item = _items(coordination, assignee=coop_dept.head).get()
    workitem_reassign(actor=coop_dept.head, item=item, to=deputy)
    coordination_respond(actor=deputy, coordination=coordination, department=coop_dept, accept=True)
    coordination_dispute(actor=deputy, coordination=coordination, department=coop_dept, reason="再议")
    coordination.refresh_from_db()
    assert coordination.status == CoordinationStatus.ESCALATED


def test_dispute_api_and_its_refusals(raise_matter, lead_dept, coop_dept, other_dept):
    coordination = raise_matter()
    url = f"/api/v1/coordination/{coordination.pk}/dispute/"
    as_(coop_dept.head).post(
        f"/api/v1/coordination/{coordination.pk}/respond/", {"department": coop_dept.pk, "accept": True}, format="json"
    )
    assert_error(as_(coop_dept.head).post(url, {"department": coop_dept.pk}, format="json"), 400)
    assert (
        "reason"
        in as_(coop_dept.head).post(url, {"department": coop_dept.pk, "reason": ""}, format="json").json()["fields"]
    )
    assert_error(
        as_(lead_dept.head).post(url, {"department": coop_dept.pk, "reason": "不对"}, format="json"),
        403,
        "not_department_head",
    )
    assert_error(as_(other_dept.head).post(url, {"department": coop_dept.pk, "reason": "不对"}, format="json"), 404)
    assert_error(as_(coop_dept.head).post(url, {"department": 2**80, "reason": "不对"}, format="json"), 400)
    disputed = as_(coop_dept.head).post(url, {"department": coop_dept.pk, "reason": "牵头处不对"}, format="json")
    assert disputed.status_code == 200, disputed.content
    assert disputed.json()["status"] == CoordinationStatus.ESCALATED
    assert {p["department"]["id"]: p["response"] for p in disputed.json()["parties"]}[coop_dept.pk] == "disputed"
    # Once with the office, no more disputes.
    assert_error(as_(coop_dept.head).post(url, {"department": coop_dept.pk, "reason": "再议"}, format="json"), 409)


def test_dispute_on_the_page(client_of, raise_matter, coop_dept):
    coordination = raise_matter()
    url = f"/relations/coordination/{coordination.pk}/"
    client = client_of(coop_dept.head)
    assert 'id="dispute-form"' not in client.get(url).content.decode()  # nothing accepted yet
    coordination_respond(actor=coop_dept.head, coordination=coordination, department=coop_dept, accept=True)
    assert 'id="dispute-form"' in client.get(url).content.decode()
    missing = client.post(url + "dispute/", {"dispute-department": coop_dept.pk, "dispute-reason": ""})
    assert missing.status_code == 400
    done = client.post(url + "dispute/", {"dispute-department": coop_dept.pk, "dispute-reason": "牵头处不对"})
    assert done.status_code == 302
    coordination.refresh_from_db()
    assert coordination.status == CoordinationStatus.ESCALATED
    assert 'data-response="disputed"' in client.get(url).content.decode()


# --- Escalation to a leader -------------------------------------------------------------------------


def test_the_office_escalates_to_a_leader_who_rules(raise_matter, lead_dept, coop_dept, office_head, leader):
    coordination = _escalated(raise_matter, coop_dept)
    coordination_escalate_to_leader(actor=office_head, coordination=coordination, leader=leader, note="请局长定")
    coordination.refresh_from_db()
    assert (coordination.referred_to, coordination.referral_note) == (leader, "请局长定")
    assert coordination.status == CoordinationStatus.ESCALATED
    # The leader has an item; the office's closed.
    assert _items(coordination, assignee=leader, status=WorkItemStatus.OPEN).exists()
    assert _items(coordination, assignee=office_head, outcome="to_leader").exists()
    assert Notification.objects.filter(recipient=leader, kind=NotificationKind.ASSIGNED).exists()
    # The leader rules through the same endpoint; their item closes with the ruling.
    body = {"lead_department": coop_dept.pk, "cooperating_departments": [lead_dept.pk], "ruling": "由配合处牵头"}
    ruled = as_(leader).post(f"/api/v1/coordination/{coordination.pk}/arbitrate/", body, format="json")
    assert ruled.status_code == 200, ruled.content
    assert ruled.json()["status"] == CoordinationStatus.SETTLED
    assert ruled.json()["ruled_by"]["id"] == leader.pk
    assert ruled.json()["referred_to"]["id"] == leader.pk
    assert _items(coordination, assignee=leader, outcome="ruled").exists()
    assert not _items(coordination, status=WorkItemStatus.OPEN).exists()


def test_the_office_may_still_rule_after_escalating(raise_matter, lead_dept, coop_dept, office_head, leader):
    coordination = _escalated(raise_matter, coop_dept)
    coordination_escalate_to_leader(actor=office_head, coordination=coordination, leader=leader)
    body = {"lead_department": lead_dept.pk, "cooperating_departments": [coop_dept.pk], "ruling": "维持原议"}
    ruled = as_(office_head).post(f"/api/v1/coordination/{coordination.pk}/arbitrate/", body, format="json")
    assert ruled.status_code == 200, ruled.content
    assert _items(coordination, assignee=leader, outcome="ruled").exists()


def test_escalation_refusals(raise_matter, lead_dept, coop_dept, office_head, leader, deputy, raiser):
    coordination = raise_matter()
    url = f"/api/v1/coordination/{coordination.pk}/escalate/"
    # Still open (answers awaited): 409.
    assert_error(as_(office_head).post(url, {"leader": leader.pk}, format="json"), 409)
    coordination = _escalated(raise_matter, coop_dept)
    url = f"/api/v1/coordination/{coordination.pk}/escalate/"
    # Not the office: 403 (even naming a leader that does not exist).
    assert_error(as_(raiser).post(url, {"leader": leader.pk}, format="json"), 403, "not_office")
    assert_error(as_(leader).post(url, {"leader": leader.pk}, format="json"), 403, "not_office")
    assert_error(as_(raiser).post(url, {"leader": 999999}, format="json"), 403)
    # Not a leader, no such person, not cleared, no leader at all, a huge id: 400.
    assert "leader" in assert_error(as_(office_head).post(url, {"leader": raiser.pk}, format="json"), 400)["fields"]
    assert_error(as_(office_head).post(url, {"leader": 999999}, format="json"), 400)
    assert_error(as_(office_head).post(url, {"leader": 2**80}, format="json"), 400)
    assert_error(as_(office_head).post(url, {}, format="json"), 400)
    for department in (lead_dept, coop_dept):
        department.head.clearance = "secret"
        department.head.save()
    office_head.clearance = "secret"
    office_head.save()
    secret = raise_matter(classification="secret", actor=office_head, title="涉密协调")
    coordination_respond(actor=coop_dept.head, coordination=secret, department=coop_dept, accept=False, reason="否")
    assert_error(
        as_(office_head).post(f"/api/v1/coordination/{secret.pk}/escalate/", {"leader": leader.pk}, format="json"),
        400,
    )
    # Once with a leader, not again; a leader it was not escalated to may not rule.
    assert as_(office_head).post(url, {"leader": leader.pk, "note": "请定"}, format="json").status_code == 200
    assert_error(as_(office_head).post(url, {"leader": deputy.pk}, format="json"), 409, "coordination_with_leader")
    body = {"lead_department": coop_dept.pk, "cooperating_departments": [lead_dept.pk], "ruling": "由配合处牵头"}
    assert_error(
        as_(deputy).post(f"/api/v1/coordination/{coordination.pk}/arbitrate/", body, format="json"), 403, "not_office"
    )


def test_escalation_on_the_page_and_the_leaders_ruling_form(
    client_of, raise_matter, lead_dept, coop_dept, office_head, leader
):
    coordination = _escalated(raise_matter, coop_dept)
    url = f"/relations/coordination/{coordination.pk}/"
    assert 'id="escalate-form"' not in client_of(lead_dept.head).get(url).content.decode()
    assert client_of(lead_dept.head).post(url + "escalate/", {"escalate-leader": leader.pk}).status_code == 403
    office = client_of(office_head)
    assert 'id="escalate-form"' in office.get(url).content.decode()
    assert office.post(url + "escalate/", {"escalate-leader": ""}).status_code == 400
    assert office.post(url + "escalate/", {"escalate-leader": leader.pk, "escalate-note": "请定"}).status_code == 302
    page = office.get(url).content.decode()
    assert 'id="referred-to"' in page and 'id="escalate-form"' not in page
    assert 'id="arbitrate-heading" data-ruler="office"' in office.get(url).content.decode()
    mine = client_of(leader).get(url).content.decode()
    assert 'id="arbitrate-form"' in mine
    # The leader rules as the leader the matter was referred to, not as the office.
    assert 'id="arbitrate-heading" data-ruler="leader"' in mine
    body = {
        "arbitrate-lead_department": coop_dept.pk,
        "arbitrate-cooperating_departments": [lead_dept.pk],
        "arbitrate-ruling": "由配合处牵头",
    }
    assert client_of(leader).post(url + "arbitrate/", body).status_code == 302
    coordination.refresh_from_db()
    assert (coordination.status, coordination.ruled_by) == (CoordinationStatus.SETTLED, leader)
    assert 'id="ruling-heading" data-ruler="leader"' in office.get(url).content.decode()


# --- The coordination meeting on the page -----------------------------------------------------------


def _meetings(organizer, *, days=1):
    from tests.meetings.conftest import at

    regular = meeting_create(
        actor=organizer, title="周例会", start=at(9, days=days), end=at(10, days=days), location="301"
    )
    held = meeting_create(
        actor=organizer,
        title="河道协调会",
        start=at(14, days=days),
        end=at(15, days=days),
        location="301",
        kind=MeetingKind.COORDINATION,
    )
    return regular, held


def test_the_office_links_the_meeting_on_the_page(client_of, raise_matter, office_head, lead_dept):
    coordination = raise_matter()
    regular, held = _meetings(office_head)
    url = f"/relations/coordination/{coordination.pk}/"
    assert 'id="meeting-form"' not in client_of(lead_dept.head).get(url).content.decode()
    assert client_of(lead_dept.head).post(url + "meeting/", {"meeting-meeting": held.pk}).status_code == 403
    # The rule is asked before the choices: a meeting outside them is refused as plainly.
    assert client_of(lead_dept.head).post(url + "meeting/", {"meeting-meeting": 2**80}).status_code == 403
    office = client_of(office_head)
    page = office.get(url)
    assert 'id="meeting-form"' in page.content.decode()
    assert list(page.context["meeting_form"].fields["meeting"].queryset) == [held]
    # Another kind, or one that does not exist, is not among the choices: 400.
    assert office.post(url + "meeting/", {"meeting-meeting": regular.pk}).status_code == 400
    assert office.post(url + "meeting/", {"meeting-meeting": 2**80}).status_code == 400
    assert office.post(url + "meeting/", {"meeting-meeting": held.pk}).status_code == 302
    coordination.refresh_from_db()
    assert coordination.meeting == held
    assert 'id="coordination-meeting"' in office.get(url).content.decode()


def test_a_meeting_the_raiser_may_not_see_is_not_theirs_to_link(client_of, raise_matter, raiser, office_head):
    """Visibility both ways: the matter must be visible (else 404) and so must the meeting."""
    from tests.meetings.conftest import at

    coordination = raise_matter()
    hidden = meeting_create(  # a private meeting the raiser is not invited to
        actor=office_head,
        title="内部协调会",
        start=at(14),
        end=at(15),
        location="301",
        kind=MeetingKind.COORDINATION,
        private=True,
    )
    url = f"/relations/coordination/{coordination.pk}/"
    client = client_of(raiser)
    assert not client.get(url).context["meeting_form"].fields["meeting"].queryset.exists()
    assert client.post(url + "meeting/", {"meeting-meeting": hidden.pk}).status_code == 400
    assert_error(as_(raiser).post(f"/api/v1/coordination/{coordination.pk}/meeting/", {"meeting": hidden.pk}), 404)
    outsider = UserFactory(username="outsider", department=DepartmentFactory())
    assert client_of(outsider).post(url + "meeting/", {"meeting-meeting": hidden.pk}).status_code == 404
    coordination.refresh_from_db()
    assert coordination.meeting is None


# --- The reminder engine urges the answer items ---------------------------------------------------


def test_a_late_answer_item_is_reminded_then_the_matter_goes_to_the_office(raiser, lead_dept, coop_dept, office_head):
    from relations.services_coordination import coordination_raise

    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SH), tick=False):  # a Monday
        coordination = coordination_raise(
            actor=raiser,
            title="河道整治协调",
            lead_department=lead_dept,
            cooperating_departments=[coop_dept],
            respond_by=timezone.localdate() + timedelta(days=2),  # Wednesday, due at the day's end
        )
    item = _items(coordination, assignee=coop_dept.head).get()
    assert item.next_reminder_at is not None  # the engine schedules it like any other kind
    scan_work_items(now=datetime(2026, 3, 4, 16, 40, tzinfo=SH))  # within the working day before due
    assert Notification.objects.filter(recipient=coop_dept.head, kind=NotificationKind.REMINDER).exists()
    scan_work_items(now=datetime(2026, 3, 4, 17, 31, tzinfo=SH))  # due now
    assert Notification.objects.filter(recipient=coop_dept.head, kind=NotificationKind.OVERDUE).exists()
    # Silence past the answer date: the hourly scan sends the matter to the office.
    with time_machine.travel(datetime(2026, 3, 5, 9, tzinfo=SH), tick=False):
        assert coordinations_escalate_overdue() == 1
    item.refresh_from_db()
    assert item.status == WorkItemStatus.CANCELLED
    assert _items(coordination, assignee=office_head, status=WorkItemStatus.OPEN).exists()


# --- Query counts -------------------------------------------------------------------------------


def _fill(raise_matter, size):
    departments = []
    for _ in range(size):
        department = DepartmentFactory()
        department.head = UserFactory(department=department)
        department.save()
        departments.append(department)
    return [raise_matter(cooperating=departments, title=f"协调{n}") for n in range(size)], departments


def _count(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code < 400, getattr(response, "content", b"")[:500]
    return len(queries)


def test_new_steps_and_forms_cost_the_same_at_two_sizes(client_of, raise_matter, lead_dept, coop_dept, office_head):
    """Two sizes of everything around (matters, departments, meetings); the matters stepped on keep
    their two parties: withdrawing an answer item writes its audit row and notice, one per party."""
    counts = []
    for size in (2, 8):
        leader = LeaderFactory()
        _fill(raise_matter, size)
        _meetings(office_head, days=size)
        first, second = raise_matter(), raise_matter()
        coordination_respond(actor=coop_dept.head, coordination=first, department=coop_dept, accept=True)
        dispute = _count(
            lambda c=first: as_(coop_dept.head).post(
                f"/api/v1/coordination/{c.pk}/dispute/", {"department": coop_dept.pk, "reason": "不对"}, format="json"
            )
        )
        escalate = _count(
            lambda c=first, leader=leader: as_(office_head).post(
                f"/api/v1/coordination/{c.pk}/escalate/", {"leader": leader.pk}, format="json"
            )
        )
        # The page of a matter with the forms on it (answer, rule, escalate, meeting): the matter,
        # its parties, the office check, the leaders and the meetings of the choices.
        coordination_respond(actor=coop_dept.head, coordination=second, department=coop_dept, accept=True)
        client = client_of(office_head)
        page = _count(lambda c=second, client=client: client.get(f"/relations/coordination/{c.pk}/"))
        counts.append((dispute, escalate, page))
    assert counts[0] == counts[1]
