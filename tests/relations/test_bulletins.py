"""Leader bulletins (信息通报), the services and the rule: circulating (the office only, to active
leaders cleared for it), the recipients' items on the ledger, marking read (已阅), replies and their
notifications, who sees a bulletin and what derives from it (desk, work items, admin), the demo."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.utils import timezone

from core import calendar
from core.enums import Classification
from core.errors import Conflict, PermissionDenied, ValidationError
from notifications.models import Notification, NotificationKind
from relations.bulletin_models import Bulletin, BulletinRecipient, BulletinReply
from relations.bulletin_selectors import bulletins_visible
from relations.bulletin_services import READ_WORKING_DAYS, bulletin_read, bulletin_reply
from tests.api import as_
from tests.factories import AdminFactory, DepartmentFactory, LeaderFactory, UserFactory, WorkItemFactory
from workload import targets
from workload.models import WorkItem, WorkItemKind, WorkItemStatus
from workload.services import workitem_reassign

from .bulletin_helpers import circulate

pytestmark = pytest.mark.django_db


def _items(bulletin):
    return WorkItem.objects.filter(
        target_type=ContentType.objects.get_for_model(Bulletin), target_id=bulletin.pk, kind=WorkItemKind.BULLETIN
    )


def test_the_office_circulates_and_each_leader_gets_an_item_to_read_it(office_member, leader, deputy):
    before = timezone.now()
    bulletin = circulate(office_member, [leader, deputy, leader])  # the duplicate is ignored
    assert sorted(bulletin.recipients.values_list("leader_id", flat=True)) == sorted([leader.pk, deputy.pk])
    items = list(_items(bulletin))
    assert sorted(i.assignee_id for i in items) == sorted([leader.pk, deputy.pk])
    expected_due = calendar.due_at_for(before, working_days=READ_WORKING_DAYS)
    for item in items:
        assert item.status == WorkItemStatus.OPEN
        assert item.due_at == expected_due
        assert item.assigned_by_id == office_member.pk
        assert item.title == bulletin.title
    assigned = Notification.objects.filter(kind=NotificationKind.ASSIGNED, recipient__in=[leader, deputy])
    assert assigned.count() == 2


def test_only_the_office_circulates(user, leader, head):
    for person in (user, leader, head):
        with pytest.raises(PermissionDenied):
            circulate(person, [leader])
    assert not Bulletin.objects.exists()


def test_every_recipient_must_be_an_active_leader_cleared_for_it(office_member, leader, user):
    with pytest.raises(ValidationError) as not_leader:
        circulate(office_member, [leader, user])
    assert user.display_name in not_leader.value.fields["recipients"][0]
    retired = LeaderFactory(username="retired", is_active=False)
    with pytest.raises(ValidationError) as inactive:
        circulate(office_member, [retired])
    assert "recipients" in inactive.value.fields
    with pytest.raises(ValidationError) as none:
        circulate(office_member, [])
    assert "recipients" in none.value.fields
    office_member.clearance = Classification.SECRET
    office_member.save()
    with pytest.raises(ValidationError) as low:
        circulate(office_member, [leader], classification=Classification.SECRET)  # leader: internal
    assert leader.display_name in low.value.fields["recipients"][0]
    assert not Bulletin.objects.exists()
    assert not WorkItem.objects.exists()


def test_texts_and_classification_are_checked(office_member, leader):
    for fields, field in (
        ({"title": "  "}, "title"),
        ({"title": "两行\n标题"}, "title"),
        ({"body": ""}, "body"),
        ({"kind": "gossip"}, "kind"),
        ({"classification": Classification.SECRET}, "classification"),  # above the author's own
    ):
        with pytest.raises(ValidationError) as refused:
            circulate(office_member, [leader], **fields)
        assert field in refused.value.fields


def test_reading_records_the_receipt_and_closes_the_item_once(office_member, leader, deputy):
    bulletin = circulate(office_member, [leader, deputy])
    receipt = bulletin_read(actor=leader, bulletin=bulletin)
    assert receipt.read_at is not None
    item = _items(bulletin).get(assignee=leader)
    assert (item.status, item.outcome) == (WorkItemStatus.DONE, "read")
    assert _items(bulletin).get(assignee=deputy).status == WorkItemStatus.OPEN
    again = bulletin_read(actor=leader, bulletin=bulletin)
    assert again.read_at == receipt.read_at
    with pytest.raises(PermissionDenied):
        bulletin_read(actor=office_member, bulletin=bulletin)


def test_a_reply_tells_the_author_and_the_other_recipients(office_member, leader, deputy):
    bulletin = circulate(office_member, [leader, deputy])
    bulletin_reply(actor=leader, bulletin=bulletin, text="同意。")
    told = Notification.objects.filter(kind=NotificationKind.INFO, message="bulletin.reply")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([office_member.pk, deputy.pk])
    assert {n.target_id for n in told} == {bulletin.pk}
    # The office answers too; the author is not told of their own reply.
    bulletin_reply(actor=office_member, bulletin=bulletin, text="好的，按此办理。")
    assert told.filter(recipient=office_member).count() == 1
    assert told.filter(recipient=leader).count() == 1
    assert BulletinReply.objects.filter(bulletin=bulletin).count() == 2
    with pytest.raises(ValidationError):
        bulletin_reply(actor=deputy, bulletin=bulletin, text="   ")


def test_others_may_not_reply(office_member, leader, bureau):
    bulletin = circulate(office_member, [leader])
    other_leader = LeaderFactory(username="other-leader", department=bureau)
    with pytest.raises(PermissionDenied):
        bulletin_reply(actor=other_leader, bulletin=bulletin, text="我也说一句")


def test_the_office_cleared_for_it_and_the_recipients_see_it(office, office_member, leader, deputy, user):
    office_member.clearance = Classification.SECRET
    office_member.save()
    leader.clearance = Classification.SECRET
    leader.save()
    bulletin = circulate(office_member, [leader], classification=Classification.SECRET)
    low_office = UserFactory(username="office-low", department=office)
    high_outsider = UserFactory(username="outsider", department=DepartmentFactory(), clearance="confidential")
    seen = {
        p.username: bulletins_visible(user=p).filter(pk=bulletin.pk).exists()
        for p in (office_member, leader, deputy, user, low_office, high_outsider)
    }
    assert seen == {
        office_member.username: True,
        leader.username: True,
        deputy.username: False,  # a leader it did not go to
        user.username: False,
        low_office.username: False,  # the office, not cleared
        high_outsider.username: False,
    }
    assert targets.may_see(leader, bulletin)
    assert not targets.may_see(deputy, bulletin)


def test_unread_bulletins_sit_on_the_leaders_desk_until_read(client_of, office_member, leader):
    bulletin = circulate(office_member, [leader], title="请阅：本周工作安排")
    client = client_of(leader)
    desk = client.get("/")
    assert desk.status_code == 200
    assert "请阅：本周工作安排" in desk.content.decode()
    assert f"/relations/bulletins/{bulletin.pk}/" in desk.content.decode()
    # Opening the page does not count as reading.
    assert client.get(f"/relations/bulletins/{bulletin.pk}/").status_code == 200
    assert BulletinRecipient.objects.get(bulletin=bulletin).read_at is None
    assert "请阅：本周工作安排" in client.get("/").content.decode()
    assert client.post(f"/relations/bulletins/{bulletin.pk}/read/").status_code == 302
    assert "请阅：本周工作安排" not in client.get("/").content.decode()


def test_a_recipient_no_longer_cleared_sees_the_item_masked(client_of, office_member, leader):
    office_member.clearance = leader.clearance = Classification.SECRET
    office_member.save()
    leader.save()
    bulletin = circulate(office_member, [leader], title="涉密通报甲", classification=Classification.SECRET)
    leader.clearance = Classification.INTERNAL
    leader.save()
    client = client_of(leader)
    desk = client.get("/").content.decode()
    assert "涉密通报甲" not in desk
    assert targets.masked_title(Classification.SECRET) in desk
    assert client.get(f"/relations/bulletins/{bulletin.pk}/").status_code == 404
    rows = client.get("/api/v1/work-items/").json()["results"]
    assert [r["title"] for r in rows] == [targets.masked_title(Classification.SECRET)]


def test_a_bulletin_item_is_personal_and_never_passed_on(client_of, office, office_member, leader, deputy):
    """Only a recipient marks a bulletin read, which closes their own item: passed on, even to another
    recipient, the item would stay open and urged with nothing its holder could do. The service
    refuses (409), and the admin says so (the admin already refuses someone who may not see it)."""
    bulletin = circulate(office_member, [leader, deputy])
    item = _items(bulletin).get(assignee=leader)
    with pytest.raises(Conflict) as refused:
        workitem_reassign(item=item, to=deputy, actor=office_member)
    assert refused.value.code == "personal_item"
    office_admin = AdminFactory(username="admin-office", department=office)
    response = client_of(office_admin).post(
        f"/admin/workload/workitem/{item.pk}/change/",
        {"assignee": deputy.pk, "due_at_0": "", "due_at_1": "", "reason": "转另一位领导"},
    )
    errors = response.context["adminform"].form.errors if response.status_code == 200 else None
    assert response.status_code == 302, errors  # the form was valid: the service refused, the admin says why
    assert "error" in [m.level_tag for m in get_messages(response.wsgi_request)]
    item.refresh_from_db()
    assert item.assignee == leader and item.status == WorkItemStatus.OPEN
    # Another kind of item still passes on.
    other = WorkItemFactory(assignee=leader, kind=WorkItemKind.MATTER)
    assert workitem_reassign(item=other, to=deputy, actor=office_member).assignee == deputy


def test_the_admin_lists_only_bulletins_the_administrator_may_see(client, office, office_member, leader):
    bulletin = circulate(office_member, [leader])
    outsider_admin = AdminFactory(username="admin-out", department=DepartmentFactory())
    client.force_login(outsider_admin)
    assert client.get(f"/admin/relations/bulletin/{bulletin.pk}/change/").status_code == 404
    assert bulletin.title not in client.get("/admin/relations/bulletin/").content.decode()
    office_admin = AdminFactory(username="admin-office", department=office)
    client.force_login(office_admin)
    assert client.get(f"/admin/relations/bulletin/{bulletin.pk}/change/").status_code == 200
    assert bulletin.title in client.get("/admin/relations/bulletin/").content.decode()


def test_the_demo_circulates_two_bulletins_one_read_with_a_reply():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert Bulletin.objects.count() == 2
    assert BulletinRecipient.objects.filter(read_at__isnull=False).count() == 1
    assert BulletinReply.objects.count() == 1
    assert Bulletin.objects.filter(coordination__isnull=False).count() == 1
    unread = WorkItem.objects.filter(kind=WorkItemKind.BULLETIN, status=WorkItemStatus.OPEN)
    assert unread.count() == 4
    assert timezone.now() < unread.first().due_at < timezone.now() + timedelta(days=30)


def test_reply_notifications_follow_the_bulletin(office_member, leader, deputy):
    office_member.clearance = leader.clearance = deputy.clearance = Classification.SECRET
    for person in (office_member, leader, deputy):
        person.save()
    bulletin = circulate(office_member, [leader, deputy], title="密件通报乙", classification=Classification.SECRET)
    bulletin_reply(actor=leader, bulletin=bulletin, text="同意。")
    rows = as_(deputy).get("/api/v1/notifications/").json()["results"]
    reply = next(r for r in rows if r["kind"] == NotificationKind.INFO)
    assert "密件通报乙" in reply["title"]
    assert reply["target"]["url"] == f"/relations/bulletins/{bulletin.pk}/"
    # No longer cleared: the notification says only that something exists, and the page is a 404.
    deputy.clearance = Classification.INTERNAL
    deputy.save()
    rows = as_(deputy).get("/api/v1/notifications/").json()["results"]
    assert all("密件通报乙" not in r["title"] for r in rows)
    assert as_(deputy).get(f"/api/v1/bulletins/{bulletin.pk}/").status_code == 404
