"""Manual urging (催办): the assigner or the office, once per item per hour, recorded on the item."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.errors import Conflict, PermissionDenied, RateLimited
from notifications.models import Notification, NotificationKind
from workload.models import Urge, WorkItemKind
from workload.services import workitem_complete, workitem_open
from workload.urging import workitem_urge

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(user, leader, department):
    return workitem_open(
        assignee=user, kind=WorkItemKind.TASK, target=department, title="汇总督办件", assigned_by=leader
    )


def test_assigner_urges_once_an_hour(item, user, leader):
    workitem_urge(actor=leader, item=item, message="明天上午前报送")
    note = Notification.objects.get(recipient=user, kind=NotificationKind.URGE)
    assert "明天上午前报送" in note.body
    assert (note.subject_type.model, note.subject_id) == ("workitem", item.pk)
    with pytest.raises(RateLimited):
        workitem_urge(actor=leader, item=item)
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        workitem_urge(actor=leader, item=item)
    assert Urge.objects.filter(work_item=item).count() == 2


def test_office_may_urge_others_may_not(item, office_member, head, user):
    with pytest.raises(PermissionDenied):
        workitem_urge(actor=head, item=item)
    with pytest.raises(PermissionDenied):
        workitem_urge(actor=user, item=item)
    workitem_urge(actor=office_member, item=item)
    assert Urge.objects.filter(work_item=item, by=office_member).exists()


def test_closed_item_cannot_be_urged(item, user, leader):
    workitem_complete(item=item, actor=user)
    with pytest.raises(Conflict):
        workitem_urge(actor=leader, item=item)
    assert not Urge.objects.exists()
