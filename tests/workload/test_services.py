"""The ledger's services: open, complete, cancel, reassign, settle; notifications follow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, ValidationError
from core.models import AuditEvent
from notifications.models import Notification, NotificationKind
from tests.factories import UserFactory, WorkItemFactory
from workload.models import WorkItem, WorkItemKind, WorkItemStatus
from workload.services import (
    workitem_cancel,
    workitem_complete,
    workitem_open,
    workitem_reassign,
    workitems_settle_for_target,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(user, head, department):
    return workitem_open(
        assignee=user,
        kind=WorkItemKind.TASK,
        target=department,
        title="起草年度总结",
        due_at=timezone.now() + timedelta(days=2),
        assigned_by=head,
    )


def test_open_records_department_audit_and_tells_the_assignee(opened, user, head, department):
    assert opened.status == WorkItemStatus.OPEN
    assert opened.department_id == department.pk
    assert AuditEvent.objects.filter(verb="workitem.open", target_id=opened.pk).count() == 1
    note = Notification.objects.get(recipient=user)
    assert note.kind == NotificationKind.ASSIGNED
    assert note.title == "起草年度总结"
    assert (note.target_type_id, note.target_id) == (opened.target_type_id, department.pk)


def test_open_for_oneself_sends_no_assigned_notification(user, department):
    workitem_open(assignee=user, kind=WorkItemKind.TASK, target=department, title="自办", assigned_by=user)
    assert not Notification.objects.filter(recipient=user).exists()


def test_department_at_assignment_stays_when_the_person_moves(opened, user):
    old_department = opened.department_id
    user.department = UserFactory().department
    user.save()
    opened.refresh_from_db()
    assert opened.department_id == old_department


def test_open_refuses_an_inactive_assignee(user, department):
    user.is_active = False
    user.save()
    with pytest.raises(ValidationError):
        workitem_open(assignee=user, kind=WorkItemKind.TASK, target=department, title="x")
    assert not WorkItem.objects.exists()


def test_open_refuses_unknown_kind(user, department):
    with pytest.raises(ValidationError):
        workitem_open(assignee=user, kind="nonsense", target=department, title="x")


def test_complete_once_then_conflict(opened, user):
    workitem_complete(item=opened, actor=user)
    opened.refresh_from_db()
    assert opened.status == WorkItemStatus.DONE
    assert opened.completed_at is not None
    with pytest.raises(Conflict):
        workitem_complete(item=opened, actor=user)
    assert AuditEvent.objects.filter(verb="workitem.done", target_id=opened.pk).count() == 1


def test_cancel_tells_the_assignee(opened, user, head):
    workitem_cancel(item=opened, reason="事项撤回", actor=head)
    opened.refresh_from_db()
    assert opened.status == WorkItemStatus.CANCELLED
    assert Notification.objects.filter(recipient=user, kind=NotificationKind.CANCELLED).count() == 1


def test_reassign_moves_item_and_department_and_tells_both(opened, user, head):
    other = UserFactory(name="陈新人")
    workitem_reassign(item=opened, to=other, actor=head, reason="工作调整")
    opened.refresh_from_db()
    assert opened.assignee_id == other.pk
    assert opened.department_id == other.department_id
    assert Notification.objects.filter(recipient=other, kind=NotificationKind.ASSIGNED).count() == 1
    assert Notification.objects.filter(recipient=user, kind=NotificationKind.CHANGED).count() == 1


def test_reassign_refuses_same_person_and_closed_items(opened, user, head):
    with pytest.raises(ValidationError):
        workitem_reassign(item=opened, to=user, actor=head)
    workitem_complete(item=opened)
    with pytest.raises(Conflict):
        workitem_reassign(item=opened, to=UserFactory(), actor=head)


def test_settle_for_target_closes_only_open_items_of_that_target(user, head, department):
    other_target = UserFactory().department
    a = workitem_open(assignee=user, kind=WorkItemKind.TASK, target=department, title="a")
    b = workitem_open(assignee=head, kind=WorkItemKind.TASK, target=department, title="b")
    c = workitem_open(assignee=user, kind=WorkItemKind.TASK, target=other_target, title="c")
    settled = workitems_settle_for_target(target=department, outcome="matter closed")
    assert {i.pk for i in settled} == {a.pk, b.pk}
    assert WorkItem.objects.get(pk=c.pk).status == WorkItemStatus.OPEN
    assert workitems_settle_for_target(target=department) == []


def test_reassign_refuses_someone_not_cleared_for_the_item(user, head):
    """Review: the item carries its target's classification; passing it on keeps that rule."""
    user.clearance = "secret"
    user.save()
    item = WorkItemFactory(assignee=user, classification="secret")
    with pytest.raises(ValidationError):
        workitem_reassign(item=item, to=UserFactory(clearance="internal"), actor=head)
    item.refresh_from_db()
    assert item.assignee == user
