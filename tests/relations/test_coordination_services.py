"""Coordination matters: raise, answer, escalate, rule, settle; every refusal of issue 10 item 6."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from affairs.models import Matter
from core.errors import Conflict, PermissionDenied, ValidationError
from relations import selectors
from relations.models import CoordinationMatter, CoordinationStatus, PartyResponse, PartyRole
from relations.services_coordination import (
    coordination_arbitrate,
    coordination_respond,
    coordinations_escalate_overdue,
)
from tests.factories import UserFactory
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db


def _items(coordination, **filters):
    return WorkItem.objects.filter(
        target_type=ContentType.objects.get_for_model(CoordinationMatter),
        target_id=coordination.pk,
        kind=WorkItemKind.COORDINATION,
        **filters,
    )


def test_raise_opens_an_answer_item_for_each_party_head(raise_matter, lead_dept, coop_dept):
    coordination = raise_matter()
    assert coordination.status == CoordinationStatus.OPEN
    assert set(_items(coordination, status=WorkItemStatus.OPEN).values_list("assignee", flat=True)) == {
        lead_dept.head_id,
        coop_dept.head_id,
    }
    roles = {p.department_id: p.role for p in coordination.parties.all()}
    assert roles == {lead_dept.pk: PartyRole.LEAD, coop_dept.pk: PartyRole.COOPERATING}


def test_raise_refuses_a_department_without_head_and_a_lead_also_cooperating(raise_matter, lead_dept, department):
    with pytest.raises(ValidationError) as missing:
        raise_matter(cooperating=[department])  # 综合处 has no head
    assert "cooperating_departments" in missing.value.fields
    with pytest.raises(ValidationError):
        raise_matter(cooperating=[lead_dept])


def test_every_party_accepting_settles_into_an_affairs_matter_linked_both_ways(
    raise_matter, lead_dept, coop_dept, raiser
):
    coordination = raise_matter()
    coordination_respond(actor=lead_dept.head, coordination=coordination, department=lead_dept, accept=True)
    coordination.refresh_from_db()
    assert coordination.status == CoordinationStatus.OPEN
    coordination_respond(actor=coop_dept.head, coordination=coordination, department=coop_dept, accept=True)
    coordination.refresh_from_db()
    assert coordination.status == CoordinationStatus.SETTLED
    matter = Matter.objects.get(pk=coordination.matter_id)
    assert matter.lead_id == lead_dept.head_id
    assert list(matter.assistants.values_list("user_id", flat=True)) == [coop_dept.head_id]
    assert matter.assigner_id == raiser.pk
    assert (matter.source_type.model_class(), matter.source_id) == (CoordinationMatter, coordination.pk)
    assert set(_items(coordination).values_list("outcome", flat=True)) == {"accept"}


def test_decline_without_reason_is_refused(raise_matter, lead_dept):
    coordination = raise_matter()
    with pytest.raises(ValidationError) as refused:
        coordination_respond(actor=lead_dept.head, coordination=coordination, department=lead_dept, accept=False)
    assert "reason" in refused.value.fields


def test_a_head_answering_for_another_department_is_refused(raise_matter, lead_dept, coop_dept, raiser):
    coordination = raise_matter()
    with pytest.raises(PermissionDenied):
        coordination_respond(actor=lead_dept.head, coordination=coordination, department=coop_dept, accept=True)
    with pytest.raises(PermissionDenied):
        coordination_respond(actor=raiser, coordination=coordination, department=lead_dept, accept=True)


def test_a_department_answers_once(raise_matter, lead_dept):
    coordination = raise_matter()
    coordination_respond(actor=lead_dept.head, coordination=coordination, department=lead_dept, accept=True)
    with pytest.raises(Conflict):
        coordination_respond(actor=lead_dept.head, coordination=coordination, department=lead_dept, accept=True)


def test_the_colleague_holding_the_passed_on_item_answers_for_the_department(raise_matter, lead_dept):
    from workload.services import workitem_reassign

    coordination = raise_matter()
    deputy = UserFactory(username="deputy", department=lead_dept)
    item = coordination.parties.get(department=lead_dept).work_item
    workitem_reassign(item=item, to=deputy, actor=lead_dept.head)
    coordination_respond(actor=deputy, coordination=coordination, department=lead_dept, accept=True)
    assert coordination.parties.get(department=lead_dept).responded_by == deputy


def test_a_decline_goes_to_the_office_and_is_a_pass_back(raise_matter, lead_dept, coop_dept, office_head):
    coordination = raise_matter()
    coordination_respond(
        actor=coop_dept.head, coordination=coordination, department=coop_dept, accept=False, reason="不归我处管"
    )
    coordination.refresh_from_db()
    assert coordination.status == CoordinationStatus.ESCALATED
    assert _items(coordination, assignee=office_head, status=WorkItemStatus.OPEN).exists()
    # The lead's pending item is withdrawn: the office decides now.
    assert not _items(coordination, assignee=lead_dept.head, status=WorkItemStatus.OPEN).exists()
    assert _items(coordination, assignee=coop_dept.head).get().outcome == "decline"
    index = {row["department"]: row["passes"] for row in selectors.pass_backs_by_department()}
    assert index == {coop_dept.pk: 1}
    with pytest.raises(Conflict):
        coordination_respond(actor=lead_dept.head, coordination=coordination, department=lead_dept, accept=True)


def test_ruling_by_a_non_office_user_is_refused(raise_matter, lead_dept, coop_dept):
    coordination = raise_matter()
    coordination_respond(
        actor=coop_dept.head, coordination=coordination, department=coop_dept, accept=False, reason="否"
    )
    with pytest.raises(PermissionDenied):
        coordination_arbitrate(
            actor=lead_dept.head,
            coordination=coordination,
            lead_department=coop_dept,
            cooperating_departments=[lead_dept],
            ruling="由配合处牵头",
        )


def test_the_office_rules_reassigns_and_settles(raise_matter, lead_dept, coop_dept, other_dept, office_head):
    coordination = raise_matter(cooperating=[coop_dept, other_dept])
    coordination_respond(
        actor=coop_dept.head, coordination=coordination, department=coop_dept, accept=False, reason="否"
    )
    with pytest.raises(ValidationError):
        coordination_arbitrate(
            actor=office_head,
            coordination=coordination,
            lead_department=coop_dept,
            cooperating_departments=[lead_dept],
            ruling="  ",
        )
    coordination_arbitrate(
        actor=office_head,
        coordination=coordination,
        lead_department=coop_dept,
        cooperating_departments=[lead_dept],
        ruling="由配合处牵头，牵头处配合",
    )
    coordination.refresh_from_db()
    assert coordination.status == CoordinationStatus.SETTLED
    assert coordination.ruled_by == office_head
    roles = {p.department_id: (p.role, p.response) for p in coordination.parties.all()}
    assert roles[coop_dept.pk] == (PartyRole.LEAD, PartyResponse.ACCEPTED)
    assert roles[lead_dept.pk][0] == PartyRole.COOPERATING
    assert roles[other_dept.pk][0] == PartyRole.RELIEVED
    matter = Matter.objects.get(pk=coordination.matter_id)
    assert (matter.lead_id, matter.assigner_id) == (coop_dept.head_id, office_head.pk)
    assert not _items(coordination, status=WorkItemStatus.OPEN).exists()
    with pytest.raises(Conflict):
        coordination_arbitrate(
            actor=office_head,
            coordination=coordination,
            lead_department=lead_dept,
            cooperating_departments=[coop_dept],
            ruling="再议",
        )


def test_reassignment_away_before_answering_is_a_pass_back(raise_matter, lead_dept, coop_dept, other_dept, office_head):
    coordination = raise_matter(cooperating=[coop_dept, other_dept])
    # The office steps in on a dispute while the matter is still open.
    coordination_arbitrate(
        actor=office_head,
        coordination=coordination,
        lead_department=lead_dept,
        cooperating_departments=[coop_dept],
        ruling="第三处不参与",
    )
    assert _items(coordination, assignee=other_dept.head).get().outcome == "reassigned_away"
    index = {row["department"]: row["passes"] for row in selectors.pass_backs_by_department()}
    assert index == {other_dept.pk: 1}


def test_silence_past_the_answer_date_goes_to_the_office(raise_matter, office_head, lead_dept):
    coordination = raise_matter(days=0)
    assert coordinations_escalate_overdue(today=timezone.localdate()) == 0
    assert coordinations_escalate_overdue(today=timezone.localdate() + timedelta(days=1)) == 1
    coordination.refresh_from_db()
    assert coordination.status == CoordinationStatus.ESCALATED
    assert _items(coordination, assignee=office_head, status=WorkItemStatus.OPEN).exists()
    assert _items(coordination, assignee=lead_dept.head).get().status == WorkItemStatus.CANCELLED
    # Again: nothing more to do.
    assert coordinations_escalate_overdue(today=timezone.localdate() + timedelta(days=1)) == 0


def test_the_deadline_command_runs(raise_matter):
    raise_matter()
    call_command("coordination_escalate")


def test_a_settled_matter_is_done_when_its_follow_up_is_done(raise_matter, lead_dept, coop_dept, raiser):
    from affairs.services import matter_complete, matter_confirm
    from relations.services_coordination import coordinations_mark_done

    coordination = raise_matter()
    for department in (lead_dept, coop_dept):
        coordination_respond(actor=department.head, coordination=coordination, department=department, accept=True)
    coordination.refresh_from_db()
    assert coordinations_mark_done() == 0
    matter = Matter.objects.get(pk=coordination.matter_id)
    matter_complete(actor=lead_dept.head, matter=matter, report="已完成")
    matter_confirm(actor=raiser, matter=matter, accept=True)
    assert coordinations_mark_done() == 1
    coordination.refresh_from_db()
    assert coordination.status == CoordinationStatus.DONE
    assert coordinations_mark_done() == 0


def test_the_raiser_hears_of_the_escalation_and_the_settlement(raise_matter, lead_dept, coop_dept, raiser, office_head):
    from notifications.models import Notification

    coordination = raise_matter()
    coordination_respond(
        actor=coop_dept.head, coordination=coordination, department=coop_dept, accept=False, reason="否"
    )
    coordination_arbitrate(
        actor=office_head,
        coordination=coordination,
        lead_department=lead_dept,
        cooperating_departments=[coop_dept],
        ruling="维持原分工",
    )
    messages = list(Notification.objects.filter(recipient=raiser).values_list("message", flat=True))
    assert sorted(messages) == ["coordination.escalated", "coordination.settled"]
