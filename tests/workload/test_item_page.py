"""The page of one work item: its facts, its reminder and escalation history, and urging (催办)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from tests.factories import NotificationFactory, UserFactory, WorkItemFactory
from workload import targets
from workload.models import Urge, WorkItemKind, WorkItemStatus
from workload.reminders import scan_work_items
from workload.services import workitem_open

SH = ZoneInfo("Asia/Shanghai")
EN = {"accept-language": "en"}
DESK = reverse("workload:desk")
pytestmark = pytest.mark.django_db


def page(item):
    return reverse("workload:item_detail", args=[item.pk])


def urge_url(item):
    return reverse("workload:item_urge", args=[item.pk])


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=SH)


@pytest.fixture
def now():
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        yield start


@pytest.fixture
def item(user, head, now):
    """An open item of 张文涛, assigned by the head of his department."""
    return WorkItemFactory(
        assignee=user, assigned_by=head, title="报送季度统计", kind=WorkItemKind.MATTER, due_at=now + timedelta(days=2)
    )


# --- Who sees the page ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["user", "head", "office_member"])
def test_assignee_assigner_and_office_see_the_item(client_of, item, who, request):
    response = client_of(request.getfixturevalue(who)).get(page(item), headers=EN)
    assert response.status_code == 200
    assert response.templates[0].name == "workload/item_detail.html"
    assert "报送季度统计" in response.content.decode()


def test_others_get_404(client_of, item):
    stranger = UserFactory()
    assert client_of(stranger).get(page(item)).status_code == 404
    assert client_of(stranger).post(urge_url(item)).status_code == 404
    assert not Urge.objects.exists()


def test_unknown_item_is_404(client_of, user):
    assert client_of(user).get(reverse("workload:item_detail", args=[999999])).status_code == 404


def test_page_shows_the_facts_and_links_to_the_target(client_of, user, head, department, now, monkeypatch):
    monkeypatch.setitem(targets._url_names, "accounts.department", "accounts:person")
    item = WorkItemFactory(
        assignee=user, assigned_by=head, target=department, kind="approval", urgency="urgent", escalation_level=1
    )
    body = client_of(user).get(page(item), headers=EN).content.decode()
    facts = body[body.index('id="item-facts"') :]
    assert "Approval" in facts
    assert "张文涛" in facts  # assignee
    assert "李处长" in facts  # assigned by
    assert "综合处" in facts  # department
    assert timezone.localtime(item.due_at).strftime("%Y-%m-%d %H:%M") in facts
    assert "In progress" in facts
    assert "Level 1: the department head has been told" in body
    assert f'href="{reverse("accounts:person", args=[department.pk])}"' in body


def test_item_without_a_target_page_has_no_target_link(client_of, item):
    assert 'id="item-target"' not in client_of(item.assignee).get(page(item)).content.decode()


# --- History -------------------------------------------------------------------------------------


def test_history_shows_reminders_escalations_with_recipients_and_urges(
    client_of, user, head, office, office_member, leader, department
):
    office.head = office_member
    office.save()
    with time_machine.travel(at(2, 10), tick=False):
        item = workitem_open(
            assignee=user,
            kind=WorkItemKind.TASK,
            target=department,
            title="报送季度统计",
            due_at=at(4, 17, 30),
            assigned_by=leader,
        )
    # Before due, at due, two working days late on Monday (the head), four on Wednesday (the office).
    for moment in (at(3, 16, 30), at(4, 17, 30), at(9, 9), at(11, 9)):
        with time_machine.travel(moment, tick=False):
            scan_work_items()
    client = client_of(leader)
    with time_machine.travel(at(11, 11), tick=False):
        assert client.post(urge_url(item), {"message": "今天下班前报送"}).status_code == 302
        response = client.get(page(item), headers=EN)

    body = response.content.decode()
    history = body[body.index('id="item-history"') :]
    entries = re.findall(r'<li class="list-group-item" id="history-\d+">(.*?)</li>', history, re.S)
    labels = [re.search(r'class="badge[^"]*">([^<]+)', e).group(1).strip() for e in entries]
    # Newest first: the urge, the office escalation, the daily overdue notices, the head, due, before.
    assert labels[0] == "Urged"
    assert "By 王局长" in entries[0] and "今天下班前报送" in entries[0]
    office_escalation = next(e for e in entries if "level 2" in e)
    assert re.search(r"To: (周办事, 王局长|王局长, 周办事)", office_escalation)  # one entry, both recipients
    head_escalation = next(e for e in entries if "level 1" in e)
    assert "To: 李处长" in head_escalation
    assert labels.count("Escalation · level 1") == 1
    assert labels[-1] == "Reminder"
    assert "Overdue" in labels
    # The urge is listed once (from its record), not again as the notification it sent.
    assert labels.count("Urged") == 1
    assert (
        Notification.objects.filter(
            subject_id=item.pk, subject_type__model="workitem", kind=NotificationKind.URGE
        ).count()
        == 1
    )
    assert "Level 2: the office and the assigner have been told" in body


def test_empty_history_says_what_will_appear(client_of, item):
    body = client_of(item.assignee).get(page(item), headers=EN).content.decode()
    assert 'id="history-empty"' in body


@pytest.mark.parametrize("size", [5, 50])
def test_item_page_query_count_does_not_grow_with_history(
    client_of, item, head, office_member, size, django_assert_num_queries
):
    people = UserFactory.create_batch(3)
    item_type = ContentType.objects.get_for_model(item)
    for i in range(size):
        NotificationFactory(
            recipient=people[i % 3],
            subject_type=item_type,
            subject_id=item.pk,
            kind=NotificationKind.ESCALATION,
            key=f"wi:{item.pk}:s{i}:x",
        )
        Urge.objects.create(work_item=item, by=people[i % 3], message=f"第{i}次")
    client = client_of(head)
    client.get(page(item))  # warms the per-process content-type cache that links the target

    # 1 session, 2 user, 3 whether the user is in the office (visibility), 4 the item with assignee,
    # assigner and department, 5 whether the user may see the item's target (its registered rule),
    # 6 the item's notifications with recipients, 7 its urges with who urged, 8 the unread badge.
    with django_assert_num_queries(8):
        response = client.get(page(item))
    assert response.status_code == 200
    assert len(re.findall(r'id="history-\d+"', response.content.decode())) == 2 * size


# --- Urging from the page ------------------------------------------------------------------------


def test_assigner_urges_from_the_page(client_of, item, head, user):
    client = client_of(head)
    assert 'id="urge-form"' in client.get(page(item)).content.decode()

    response = client.post(urge_url(item), {"message": "请尽快办理"}, headers=EN)

    assert response.status_code == 302
    assert response["Location"] == page(item)
    urge = Urge.objects.get(work_item=item)
    assert (urge.by, urge.message) == (head, "请尽快办理")
    note = Notification.objects.get(recipient=user, kind=NotificationKind.URGE)
    assert "请尽快办理" in note.body
    followed = client.get(response["Location"], headers=EN).content.decode()
    assert "张文涛 has been urged to finish this." in followed
    assert 'id="urge-wait"' in followed  # the button waits out the hour


def test_urge_message_is_optional(client_of, item, head):
    assert client_of(head).post(urge_url(item)).status_code == 302
    assert Urge.objects.get(work_item=item).message == ""


def test_second_urge_within_the_hour_is_429_with_the_reason(client_of, item, head, now):
    client = client_of(head)
    client.post(urge_url(item), {"message": "第一次"})

    with time_machine.travel(now + timedelta(minutes=59), tick=False):
        response = client.post(urge_url(item), {"message": "第二次"}, headers=EN)

    assert response.status_code == 429
    assert "urged less than an hour ago" in response.content.decode()
    assert 'id="refusal"' in response.content.decode()
    assert list(Urge.objects.values_list("message", flat=True)) == ["第一次"]
    assert Notification.objects.filter(kind=NotificationKind.URGE).count() == 1

    with time_machine.travel(now + timedelta(minutes=61), tick=False):
        assert client.post(urge_url(item), {"message": "第二次"}).status_code == 302
    assert Urge.objects.count() == 2


def test_office_may_urge(client_of, item, office_member):
    assert client_of(office_member).post(urge_url(item)).status_code == 302
    assert Urge.objects.filter(by=office_member).exists()


def test_assignee_sees_the_item_but_may_not_urge(client_of, item, user):
    client = client_of(user)
    assert 'id="urge-form"' not in client.get(page(item)).content.decode()
    assert client.post(urge_url(item)).status_code == 403
    assert not Urge.objects.exists()


def test_closed_item_offers_no_urge_and_refuses_one(client_of, item, head, now):
    item.status, item.completed_at = WorkItemStatus.DONE, now
    item.save()
    client = client_of(head)
    assert 'id="urge-form"' not in client.get(page(item)).content.decode()
    response = client.post(urge_url(item), headers=EN)
    assert response.status_code == 409
    assert "already closed" in response.content.decode()
    assert not Urge.objects.exists()


def test_too_long_a_message_is_refused(client_of, item, head):
    response = client_of(head).post(urge_url(item), {"message": "催" * 501})
    assert response.status_code == 400
    assert "message" in response.context["urge_form"].errors
    assert not Urge.objects.exists()


def test_get_on_the_urge_url_is_405(client_of, item, head):
    assert client_of(head).get(urge_url(item)).status_code == 405


# --- The desk ------------------------------------------------------------------------------------


def test_desk_rows_link_to_the_item_page(client_of, item, user):
    body = client_of(user).get(DESK).content.decode()
    assert f'href="{page(item)}"' in body


def test_assigned_tab_offers_an_urge_button_on_open_rows(client_of, item, head, user, now):
    closed = WorkItemFactory(assignee=user, assigned_by=head, status=WorkItemStatus.DONE, completed_at=now)
    body = client_of(head).get(DESK, {"tab": "assigned"}).content.decode()
    assert f'hx-post="{urge_url(item)}"' in body
    assert f'hx-post="{urge_url(closed)}"' not in body
    # The assignee's own to-do rows have no urge button.
    assert "hx-post" not in client_of(user).get(DESK).content.decode()


def test_desk_urge_button_returns_the_outcome(client_of, item, head, now):
    client = client_of(head)

    response = client.post(urge_url(item), headers={"hx-request": "true", **EN})

    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith(f'<span class="small" id="urge-{item.pk}"')
    assert "Urged" in body
    assert Urge.objects.filter(work_item=item, by=head).count() == 1

    again = client.post(urge_url(item), headers={"hx-request": "true", **EN})
    assert again.status_code == 429
    assert f'id="urge-{item.pk}"' in again.content.decode()
    assert "urged less than an hour ago" in again.content.decode()
    assert Urge.objects.count() == 1

    # Reloaded within the hour, the row says when it was urged instead of offering the button.
    row = client.get(DESK, {"tab": "assigned"}, headers=EN).content.decode()
    assert f'hx-post="{urge_url(item)}"' not in row
    assert f"Urged at {timezone.localtime(now):%H:%M}" in row


def test_desk_urge_without_javascript_returns_to_the_desk(client_of, item, head):
    response = client_of(head).post(urge_url(item), {"next": f"{DESK}?tab=assigned"})
    assert response.status_code == 302
    assert response["Location"] == f"{DESK}?tab=assigned"
    assert client_of(head).post(urge_url(item), {"next": "https://evil.example/"}).status_code == 429
