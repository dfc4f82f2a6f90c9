"""The work-item admin: only items whose target the administrator may see; edits through services."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from affairs.services import matter_create
from core.models import AuditEvent
from tests.factories import UserFactory, WorkItemFactory
from workload.models import WorkItem, WorkItemStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    start = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))  # a Monday
    with time_machine.travel(start, tick=False):
        yield start


def _change(item, **fields):
    due = timezone.localtime(fields.pop("due_at", item.due_at))
    return {
        "assignee": item.assignee_id,
        "due_at_0": due.strftime("%Y-%m-%d"),
        "due_at_1": due.strftime("%H:%M:%S"),
        "reason": "",
        **fields,
    }


def _secret_matter(leader, lead):
    leader.clearance = lead.clearance = "secret"
    leader.save()
    lead.save()
    return matter_create(actor=leader, title="涉密事项", lead=lead, due_on=date(2026, 3, 6), classification="secret")


def test_reassigning_goes_through_the_service_and_reschedules_reminders(client_of, admin_user, user, head, now):
    item = WorkItemFactory(assignee=user, assigned_by=head, due_at=now + timedelta(days=3), escalation_level=1)
    WorkItem.objects.filter(pk=item.pk).update(next_reminder_at=None)
    other = UserFactory(name="刘新人")
    url = reverse("admin:workload_workitem_change", args=[item.pk])
    client = client_of(admin_user)
    assert client.get(url).status_code == 200

    response = client.post(url, _change(item, assignee=other.pk, reason="岗位调整"))

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.assignee, item.department, item.escalation_level) == (other, other.department, 0)
    # Reminders are scheduled afresh for the new holder (before: left empty, never reminded).
    assert item.next_reminder_at is not None
    assert other.notifications.filter(kind="assigned").exists()
    assert user.notifications.filter(kind="changed").exists()
    event = AuditEvent.objects.get(verb="workitem.reassign", target_id=item.pk)
    assert (event.actor, event.data["reason"], event.data["to"]) == (admin_user, "岗位调整", other.pk)


def test_moving_the_deadline_reschedules_and_is_audited(client_of, admin_user, user, now):
    item = WorkItemFactory(assignee=user, due_at=now + timedelta(days=3), escalation_level=2)
    new_due = now + timedelta(days=10)
    response = client_of(admin_user).post(
        reverse("admin:workload_workitem_change", args=[item.pk]), _change(item, due_at=new_due, reason="延期")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.due_at, item.escalation_level) == (new_due, 0)
    assert now < item.next_reminder_at <= new_due
    assert AuditEvent.objects.get(verb="workitem.set_due", target_id=item.pk).data["reason"] == "延期"


def test_a_change_needs_a_reason(client_of, admin_user, user, now):
    item = WorkItemFactory(assignee=user)
    other = UserFactory()
    response = client_of(admin_user).post(
        reverse("admin:workload_workitem_change", args=[item.pk]), _change(item, assignee=other.pk)
    )
    assert response.status_code == 200  # the form again, with the error
    assert "reason" in response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.assignee == user


def test_other_fields_cannot_be_edited(client_of, admin_user, user, now):
    item = WorkItemFactory(assignee=user, title="原标题", classification="internal")
    data = _change(item, title="改过的", classification="public", status="done", reason="x")
    assert (
        client_of(admin_user).post(reverse("admin:workload_workitem_change", args=[item.pk]), data).status_code == 302
    )
    item.refresh_from_db()
    assert (item.title, item.classification, item.status) == ("原标题", "internal", WorkItemStatus.OPEN)


def test_a_closed_item_cannot_be_changed(client_of, admin_user, user, now):
    item = WorkItemFactory(assignee=user, status=WorkItemStatus.DONE, completed_at=now)
    response = client_of(admin_user).post(
        reverse("admin:workload_workitem_change", args=[item.pk]), _change(item, assignee=UserFactory().pk, reason="x")
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.assignee == user


def test_admin_sees_only_items_whose_target_they_may_see(client_of, admin_user, leader, user, now):
    """An administrator cleared for 内部 does not list or open the items of a 秘密 matter."""
    matter = _secret_matter(leader, user)
    hidden = WorkItem.objects.get(target_id=matter.pk, assignee=user)
    shown = WorkItemFactory(assignee=user)
    client = client_of(admin_user)
    listed = list(client.get(reverse("admin:workload_workitem_changelist")).context["cl"].result_list)
    assert shown in listed and hidden not in listed
    assert client.get(reverse("admin:workload_workitem_change", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("admin:workload_workitem_history", args=[hidden.pk])).status_code == 404

    admin_user.clearance = "secret"
    admin_user.save()
    assert client.get(reverse("admin:workload_workitem_change", args=[hidden.pk])).status_code == 200


def test_items_on_an_unregistered_target_type_are_visible_to_no_administrator(client_of, admin_user, user, now):
    item = WorkItemFactory(assignee=user, target=UserFactory())  # a person is not a target type
    client = client_of(admin_user)
    assert item not in list(client.get(reverse("admin:workload_workitem_changelist")).context["cl"].result_list)
    assert client.get(reverse("admin:workload_workitem_change", args=[item.pk])).status_code == 404


@pytest.mark.parametrize("rows", [5, 40])
def test_changelist_query_count_does_not_grow(client_of, admin_user, rows, django_assert_num_queries, now):
    WorkItemFactory.create_batch(rows)
    client = client_of(admin_user)
    client.get(reverse("admin:workload_workitem_changelist"))  # warm the content-type cache
    # 1 session, 2 user, 3 office membership (the matter rule), 4 departments for the filter,
    # 5-6 counts (filtered and total), 7 the page of items with assignee and department, 8 the date
    # hierarchy's range, 9 its days, 10 escalation levels for the filter. The visibility rule is
    # part of each query, not a query per row.
    with django_assert_num_queries(10):
        assert client.get(reverse("admin:workload_workitem_changelist")).status_code == 200


def test_an_item_is_not_passed_to_someone_not_cleared_for_it(client_of, admin_user, leader, user, now):
    """Review: the admin put a 秘密 matter's item on the desk of someone cleared for 内部 only."""
    matter = _secret_matter(leader, user)
    item = WorkItem.objects.get(target_id=matter.pk, assignee=user)
    admin_user.clearance = "secret"
    admin_user.save()
    uncleared = UserFactory(clearance="internal")
    response = client_of(admin_user).post(
        reverse("admin:workload_workitem_change", args=[item.pk]), _change(item, assignee=uncleared.pk, reason="调整")
    )
    assert response.status_code == 200  # the form again, with the error on the field
    assert "assignee" in response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.assignee == user
    assert not AuditEvent.objects.filter(verb="workitem.reassign", target_id=item.pk).exists()


def test_an_item_is_not_passed_to_someone_who_may_not_see_its_target(client_of, admin_user, leader, user, now):
    """Review: cleared but without need-to-know, the new holder would get a masked row to act on."""
    matter = _secret_matter(leader, user)
    item = WorkItem.objects.get(target_id=matter.pk, assignee=user)
    admin_user.clearance = "secret"
    admin_user.save()
    stranger = UserFactory(clearance="secret")  # another department: not an owner, head or office
    response = client_of(admin_user).post(
        reverse("admin:workload_workitem_change", args=[item.pk]), _change(item, assignee=stranger.pk, reason="调整")
    )
    assert response.status_code == 200
    assert "assignee" in response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.assignee == user


def test_an_item_is_not_passed_to_an_inactive_person(client_of, admin_user, user, head, now):
    """Review: refused on the field, not a "changed successfully" page with an error beside it."""
    item = WorkItemFactory(assignee=user, assigned_by=head, due_at=now + timedelta(days=3))
    gone = UserFactory(is_active=False)
    response = client_of(admin_user).post(
        reverse("admin:workload_workitem_change", args=[item.pk]), _change(item, assignee=gone.pk, reason="调整")
    )
    assert response.status_code == 200
    assert "assignee" in response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.assignee == user
