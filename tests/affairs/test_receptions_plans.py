"""Receptions and work plans: who may make them, the arrangement work items, plan items to matters."""

from datetime import date, datetime

import pytest

from affairs.models import ArrangementStatus, MatterSource, ReceptionStatus
from affairs.services import (
    arrangement_add,
    arrangement_mark_arranged,
    plan_create,
    plan_item_add,
    plan_item_to_matter,
    reception_create,
    reception_set_status,
)
from core.errors import Conflict, PermissionDenied, ValidationError
from tests.affairs.conftest import SH
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db


def test_each_arrangement_owner_gets_an_item_due_before_arrival(reception, user, assistant):
    items = WorkItem.objects.filter(kind=WorkItemKind.RECEPTION, status=WorkItemStatus.OPEN)
    assert {i.assignee.username for i in items} == {"staff", "assistant"}
    # Half a working day before a 09:00 arrival: 13:30 on the working day before (after lunch).
    assert {i.due_at.astimezone(SH).isoformat() for i in items} == {"2026-03-09T13:30:00+08:00"}


def test_marking_arranged_closes_the_owner_item_once(reception, user, assistant):
    arrangement = reception.arrangements.get(owner=user)
    with pytest.raises(PermissionDenied):
        arrangement_mark_arranged(actor=assistant, arrangement=arrangement)
    arrangement_mark_arranged(actor=user, arrangement=arrangement, note="已订餐")
    assert WorkItem.objects.get(assignee=user, kind=WorkItemKind.RECEPTION).status == WorkItemStatus.DONE
    with pytest.raises(Conflict):
        arrangement_mark_arranged(actor=user, arrangement=arrangement)


def test_reception_status_flow_and_closing_cancels_pending_arrangements(reception, office_member, user):
    reception_set_status(actor=office_member, reception=reception, status=ReceptionStatus.CONFIRMED)
    with pytest.raises(Conflict):
        reception_set_status(actor=office_member, reception=reception, status=ReceptionStatus.CONFIRMED)
    reception_set_status(actor=office_member, reception=reception, status=ReceptionStatus.CANCELLED)
    assert not WorkItem.objects.filter(kind=WorkItemKind.RECEPTION, status=WorkItemStatus.OPEN).exists()
    assert set(reception.arrangements.values_list("status", flat=True)) == {ArrangementStatus.CANCELLED}
    with pytest.raises(Conflict):
        arrangement_add(actor=office_member, reception=reception, kind="lodging", owner=user)
    with pytest.raises(PermissionDenied):
        reception_set_status(actor=user, reception=reception, status=ReceptionStatus.DONE)


def test_reception_refusals(user, office_member, leader):
    with pytest.raises(PermissionDenied):
        reception_create(
            actor=user,
            visiting_org="x",
            purpose="y",
            arrival=datetime(2026, 3, 10, 9, tzinfo=SH),
            departure=datetime(2026, 3, 10, 17, tzinfo=SH),
        )
    with pytest.raises(ValidationError) as bad:
        reception_create(
            actor=office_member,
            visiting_org="",
            purpose="调研",
            arrival=datetime(2026, 3, 10, 17, tzinfo=SH),
            departure=datetime(2026, 3, 10, 9, tzinfo=SH),
            host_leader=user,
        )
    assert {"visiting_org", "departure", "host_leader"} <= set(bad.value.fields)


def test_plan_item_becomes_a_matter_once(head, department, user, outsider):
    plan = plan_create(
        actor=head, title="三月工作安排", period="month", period_start=date(2026, 3, 1), department=department
    )
    item = plan_item_add(actor=head, plan=plan, title="开展保密自查", owner=user, priority="secondary")
    with pytest.raises(ValidationError) as no_deadline:
        plan_item_to_matter(actor=head, item=item)
    assert "due_on" in no_deadline.value.fields
    matter = plan_item_to_matter(actor=head, item=item, due_on=date(2026, 3, 13))
    assert matter.source == MatterSource.WORK_PLAN
    assert matter.source_object == item
    assert matter.lead == user and matter.priority == "secondary"
    with pytest.raises(Conflict):
        plan_item_to_matter(actor=head, item=item)
    with pytest.raises(PermissionDenied):
        plan_create(actor=outsider, title="x", period="week", period_start=date(2026, 3, 2), department=department)
    with pytest.raises(PermissionDenied):
        plan_item_add(actor=user, plan=plan, title="x", owner=user)
