"""Matters: every transition and refusal, and the ledger kept exact at each step."""

from datetime import date

import pytest
from django.utils import timezone

from affairs.models import MatterEvent, MatterEventKind, MatterStatus
from affairs.services import (
    MATTER_TRANSITIONS,
    matter_cancel,
    matter_complete,
    matter_confirm,
    matter_create,
    matter_report_progress,
    matter_transfer,
)
from core.errors import Conflict, PermissionDenied, ValidationError
from core.models import AuditEvent
from notifications.models import Notification
from tests.factories import UserFactory
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db


def open_items(matter):
    """{(assignee username, kind)} of the open work items on the matter."""
    return {
        (i.assignee.username, i.kind)
        for i in WorkItem.objects.filter(target_id=matter.pk, status=WorkItemStatus.OPEN).select_related("assignee")
        if i.target_type.model == "matter"
    }


def test_create_opens_one_item_per_owner_due_at_close_of_business(matter, user, assistant, leader):
    assert matter.status == MatterStatus.IN_PROGRESS
    assert open_items(matter) == {("staff", WorkItemKind.MATTER), ("assistant", WorkItemKind.MATTER)}
    item = WorkItem.objects.get(assignee=user, target_id=matter.pk)
    assert item.assigned_by == leader
    assert item.priority == "key"
    assert timezone.localtime(item.due_at).isoformat() == "2026-03-06T17:30:00+08:00"
    assert MatterEvent.objects.filter(matter=matter, kind=MatterEventKind.CREATED).count() == 1
    assert Notification.objects.filter(recipient=assistant, kind="assigned").count() == 1


def test_deadline_on_a_day_off_moves_to_the_next_working_day(leader, user):
    matter = matter_create(actor=leader, title="周末到期", lead=user, due_on=date(2026, 3, 7))  # a Saturday
    assert timezone.localtime(matter.due_at).isoformat() == "2026-03-09T17:30:00+08:00"


def test_create_refusals(leader, user, head, outsider, department):
    with pytest.raises(ValidationError) as past:
        matter_create(actor=leader, title="过期", lead=user, due_on=date(2026, 3, 1))
    assert "due_on" in past.value.fields
    with pytest.raises(ValidationError) as blank:
        matter_create(actor=leader, title="  ", lead=user, due_on=date(2026, 3, 6))
    assert "title" in blank.value.fields
    # A member of staff may not hand work to someone else; a head only inside the department.
    with pytest.raises(PermissionDenied):
        matter_create(actor=user, title="越权", lead=head, due_on=date(2026, 3, 6))
    with pytest.raises(PermissionDenied):
        matter_create(actor=head, title="越权", lead=outsider, due_on=date(2026, 3, 6))
    assert matter_create(actor=head, title="处内交办", lead=user, due_on=date(2026, 3, 6)).lead == user
    # Clearance: a secret matter cannot go to someone cleared only for internal material.
    leader.clearance = "confidential"
    leader.save()
    with pytest.raises(ValidationError) as cleared:
        matter_create(actor=leader, title="涉密", lead=user, due_on=date(2026, 3, 6), classification="secret")
    assert "lead" in cleared.value.fields


def test_progress_by_owners_only(matter, user, assistant, leader, outsider):
    matter_report_progress(actor=assistant, matter=matter, text="已收集各处意见", percent=40)
    matter.refresh_from_db()
    assert matter.percent == 40
    with pytest.raises(PermissionDenied):
        matter_report_progress(actor=outsider, matter=matter, text="x")
    with pytest.raises(ValidationError):
        matter_report_progress(actor=user, matter=matter, text="x", percent=140)
    with pytest.raises(ValidationError):
        matter_report_progress(actor=user, matter=matter, text="   ")


def test_transfer_moves_the_ledger_item_and_counts(matter, user, leader):
    newcomer = UserFactory(username="newcomer", name="孙新", department=user.department)
    matter_transfer(actor=user, matter=matter, to=newcomer, reason="工作分工调整")
    matter.refresh_from_db()
    assert matter.lead == newcomer
    assert matter.transfer_count == 1
    assert open_items(matter) == {("newcomer", WorkItemKind.MATTER), ("assistant", WorkItemKind.MATTER)}
    # The old lead's item moved: it is the same row, not a closed one plus a new one.
    assert not WorkItem.objects.filter(assignee=user, target_id=matter.pk).exists()
    # And back again: counted twice (it feeds the buck-passing index).
    matter_transfer(actor=newcomer, matter=matter, to=user, reason="退回原承办人")
    matter.refresh_from_db()
    assert matter.transfer_count == 2
    history = list(MatterEvent.objects.filter(matter=matter, kind=MatterEventKind.TRANSFERRED))
    assert [(e.from_user.username, e.to_user.username) for e in history] == [
        ("staff", "newcomer"),
        ("newcomer", "staff"),
    ]


def test_transfer_refusals(matter, user, assistant, outsider):
    with pytest.raises(ValidationError) as no_reason:
        matter_transfer(actor=user, matter=matter, to=outsider, reason=" ")
    assert "reason" in no_reason.value.fields
    with pytest.raises(ValidationError):
        matter_transfer(actor=user, matter=matter, to=user, reason="给自己")
    with pytest.raises(PermissionDenied):
        matter_transfer(actor=assistant, matter=matter, to=outsider, reason="协办无权转办")
    matter.refresh_from_db()
    assert matter.transfer_count == 0


def test_transfer_to_an_assistant_makes_them_lead_with_one_item(matter, user, assistant):
    matter_transfer(actor=user, matter=matter, to=assistant, reason="由协办人牵头")
    assert open_items(matter) == {("assistant", WorkItemKind.MATTER)}
    assert not matter.assistants.exists()


def test_complete_and_confirm_walk_the_ledger(matter, user, assistant, leader):
    matter_complete(actor=user, matter=matter, report="制度已修订并印发")
    matter.refresh_from_db()
    assert matter.status == MatterStatus.AWAITING_CONFIRMATION
    assert open_items(matter) == {("leader", WorkItemKind.MATTER_CONFIRMATION)}
    matter_confirm(actor=leader, matter=matter, accept=True)
    matter.refresh_from_db()
    assert matter.status == MatterStatus.DONE
    assert matter.closed_at is not None
    assert open_items(matter) == set()
    assert Notification.objects.filter(recipient=assistant, kind="info").count() == 1


def test_send_back_reopens_the_owners_items(matter, user, leader):
    matter_complete(actor=user, matter=matter, report="初步完成")
    with pytest.raises(ValidationError) as no_note:
        matter_confirm(actor=leader, matter=matter, accept=False)
    assert "note" in no_note.value.fields
    matter_confirm(actor=leader, matter=matter, accept=False, note="请补充值班人员名单")
    matter.refresh_from_db()
    assert matter.status == MatterStatus.IN_PROGRESS
    assert matter.return_count == 1
    assert open_items(matter) == {("staff", WorkItemKind.MATTER), ("assistant", WorkItemKind.MATTER)}


def test_complete_and_confirm_refusals(matter, user, assistant, leader):
    with pytest.raises(PermissionDenied):
        matter_complete(actor=assistant, matter=matter, report="协办不能办结")
    with pytest.raises(ValidationError):
        matter_complete(actor=user, matter=matter, report="")
    with pytest.raises(Conflict):
        matter_confirm(actor=leader, matter=matter, accept=True)  # nothing reported yet
    matter_complete(actor=user, matter=matter, report="完成")
    with pytest.raises(Conflict):
        matter_complete(actor=user, matter=matter, report="再次办结")
    with pytest.raises(PermissionDenied):
        matter_confirm(actor=user, matter=matter, accept=True)  # only the assigner confirms
    with pytest.raises(Conflict):
        matter_transfer(actor=user, matter=matter, to=assistant, reason="已报办结")
    assert AuditEvent.objects.filter(verb="matter.complete", target_id=matter.pk).count() == 1


def test_cancel_settles_every_open_item(matter, user, leader, office_member):
    with pytest.raises(PermissionDenied):
        matter_cancel(actor=user, matter=matter, reason="不想办")
    matter_cancel(actor=office_member, matter=matter, reason="领导另有安排")
    matter.refresh_from_db()
    assert matter.status == MatterStatus.CANCELLED
    assert open_items(matter) == set()
    assert WorkItem.objects.filter(target_id=matter.pk, status=WorkItemStatus.CANCELLED).count() == 2
    with pytest.raises(Conflict):
        matter_cancel(actor=leader, matter=matter, reason="再次撤销")


def test_every_transition_keeps_the_ledger_exact(leader, user, assistant):
    """Walk each path through the state machine; after each step, exactly the people who owe
    something have an open item on the matter."""

    def expected(m):
        m.refresh_from_db()
        if m.status == MatterStatus.IN_PROGRESS:
            return {(m.lead.username, WorkItemKind.MATTER)} | {
                (a.user.username, WorkItemKind.MATTER) for a in m.assistants.select_related("user")
            }
        if m.status == MatterStatus.AWAITING_CONFIRMATION:
            return {(m.assigner.username, WorkItemKind.MATTER_CONFIRMATION)}
        return set()

    other = UserFactory(username="other", department=user.department)
    paths = [
        ["progress", "complete", "confirm"],
        ["complete", "send_back", "transfer", "complete", "confirm"],
        ["transfer", "cancel"],
        ["complete", "cancel"],
    ]
    for path in paths:
        m = matter_create(actor=leader, title="流转测试", lead=user, assisting=[assistant], due_on=date(2026, 3, 6))
        assert open_items(m) == expected(m)
        for step in path:
            m.refresh_from_db()
            if step == "progress":
                matter_report_progress(actor=m.lead, matter=m, text="推进中", percent=50)
            elif step == "complete":
                matter_complete(actor=m.lead, matter=m, report="完成")
            elif step == "confirm":
                matter_confirm(actor=leader, matter=m, accept=True)
            elif step == "send_back":
                matter_confirm(actor=leader, matter=m, accept=False, note="补充材料")
            elif step == "transfer":
                matter_transfer(actor=m.lead, matter=m, to=other if m.lead != other else user, reason="调整")
            elif step == "cancel":
                matter_cancel(actor=leader, matter=m, reason="撤销")
            assert open_items(m) == expected(m), (path, step)
    assert set(MATTER_TRANSITIONS) == {"report_progress", "transfer", "complete", "confirm", "send_back", "cancel"}
