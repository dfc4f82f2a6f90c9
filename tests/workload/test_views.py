"""我的工作台 (my desk): tabs, order, kind filter, overdue badges, links, paging, query budget."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.timesince import timesince
from django.utils.translation import gettext

from core.calendar import working_elapsed
from core.enums import Urgency
from tests.factories import NotificationFactory, UserFactory, WorkItemFactory
from workload import targets
from workload.models import WorkItem, WorkItemStatus

pytestmark = pytest.mark.django_db

DESK = reverse("workload:desk")


@pytest.fixture
def now():
    """The clock frozen at the real present: the database's NOW() and Python's agree on what is overdue."""
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        yield start


@pytest.fixture
def desk(client_of, user):
    """GET the desk as ``user``, in English (the msgids) so that assertions do not depend on translations."""
    client = client_of(user)

    def get(**params):
        return client.get(DESK, params, headers={"accept-language": "en"})

    return get


def item_ids(response):
    return [int(pk) for pk in re.findall(r'id="item-(\d+)"', response.content.decode())]


def test_login_required(client):
    response = client.get(DESK)
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


def test_desk_is_the_landing_page_and_says_so(client_of, user):
    response = client_of(user).get(DESK)
    assert response.status_code == 200
    assert resolve_url(settings.LOGIN_REDIRECT_URL) == DESK
    assert response.templates[0].name == "workload/desk.html"


def test_todo_shows_only_own_open_items_in_order(desk, user, head, now):
    later = WorkItemFactory(assignee=user, due_at=now + timedelta(days=5))
    urgent = WorkItemFactory(assignee=user, due_at=now + timedelta(days=6), urgency=Urgency.URGENT)
    overdue = WorkItemFactory(assignee=user, due_at=now - timedelta(hours=2))
    WorkItemFactory(assignee=head, title="李处长的事")
    WorkItemFactory(assignee=user, title="已完成的事", status=WorkItemStatus.DONE, completed_at=now)

    response = desk()

    assert item_ids(response) == [overdue.pk, urgent.pk, later.pk]
    assert "李处长的事" not in response.content.decode()
    assert "已完成的事" not in response.content.decode()


def test_overdue_item_has_a_badge_saying_how_long(desk, user, now):
    overdue = WorkItemFactory(assignee=user, due_at=now - timedelta(hours=2))
    WorkItemFactory(assignee=user, due_at=now + timedelta(days=3))

    body = desk().content.decode()

    row = body[body.index(f'id="item-{overdue.pk}"') :]
    assert re.search(r'class="badge text-bg-danger">Overdue</span>\s*<span class="text-danger">by 2\xa0hours', row)
    assert body.count(">Overdue</span>") == 1
    assert "1 overdue" in body  # the tab badge


def test_row_shows_kind_priority_urgency_assigner_and_escalation(desk, user, head, now):
    WorkItemFactory(
        assignee=user, assigned_by=head, kind="approval", urgency="extra_urgent", priority="key", escalation_level=2
    )
    body = desk().content.decode()
    assert "Approval" in body
    assert ">Extra urgent</span>" in body
    assert ">Key</span>" in body
    assert "Assigned by 李处长" in body
    assert "Escalated (level 2)" in body


def test_row_links_to_its_target_when_the_target_has_a_page(desk, user, department, monkeypatch):
    # Any URL that takes an id serves to stand in for a coordination app's detail page.
    monkeypatch.setitem(targets._url_names, "accounts.department", "accounts:person")
    WorkItemFactory(assignee=user, title="有链接", target=department)
    assert f'href="{reverse("accounts:person", args=[department.pk])}"' in desk().content.decode()


def test_row_without_a_target_page_has_no_link(desk, user):
    WorkItemFactory(assignee=user, title="没有链接")
    body = desk().content.decode()
    assert re.search(r'<div class="fw-semibold text-break">\s*没有链接\s*</div>', body)


def test_done_tab_shows_completed_items(desk, user, now):
    done = WorkItemFactory(assignee=user, status=WorkItemStatus.DONE, completed_at=now)
    WorkItemFactory(assignee=user)
    response = desk(tab="done")
    assert item_ids(response) == [done.pk]
    assert "Completed" in response.content.decode()


def test_assigned_tab_shows_what_the_user_assigned_and_who_holds_it(client_of, user, head):
    mine = WorkItemFactory(assignee=user, assigned_by=head)
    WorkItemFactory(assignee=head, assigned_by=user)
    response = client_of(head).get(DESK, {"tab": "assigned"}, headers={"accept-language": "en"})
    assert item_ids(response) == [mine.pk]
    assert "Held by 张文涛" in response.content.decode()


def test_tab_badges_count_each_tab(desk, user, head, now):
    WorkItemFactory.create_batch(2, assignee=user)
    WorkItemFactory(assignee=user, status=WorkItemStatus.DONE, completed_at=now)
    WorkItemFactory(assignee=head, assigned_by=user)
    body = desk().content.decode()
    for tab, count in (("todo", 2), ("done", 1), ("assigned", 1)):
        link = body[body.index(f'id="tab-{tab}"') :]
        assert re.match(rf'id="tab-{tab}">\s*[^<]+<span class="badge[^"]*"[^>]*>{count}</span>', link)


def test_kind_filter(desk, user):
    task = WorkItemFactory(assignee=user, kind="task")
    WorkItemFactory(assignee=user, kind="meeting")
    response = desk(kind="task")
    assert item_ids(response) == [task.pk]
    assert '<option value="task" selected>' in response.content.decode()


def test_unknown_tab_and_kind_fall_back_to_all_to_do(desk, user):
    item = WorkItemFactory(assignee=user)
    assert item_ids(desk(tab="nonsense", kind="nonsense", page="x")) == [item.pk]


def test_kind_filter_over_htmx_returns_only_the_list(client_of, user):
    task = WorkItemFactory(assignee=user, kind="task")
    WorkItemFactory(assignee=user, kind="meeting")
    response = client_of(user).get(DESK, {"kind": "task"}, headers={"hx-request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="desk-list">')
    assert "<html" not in body
    assert item_ids(response) == [task.pk]
    assert "HX-Request" in response["Vary"]


def test_empty_desk_tells_a_newcomer_what_will_appear(desk):
    body = desk().content.decode()
    assert 'id="desk-empty"' in body
    assert "Whenever someone asks you to act" in body


def test_each_tab_pages_by_25(desk, user, now):
    WorkItemFactory.create_batch(30, assignee=user, status=WorkItemStatus.DONE, completed_at=now)
    first, second = desk(tab="done"), desk(tab="done", page=2)
    assert len(item_ids(first)) == 25
    assert len(item_ids(second)) == 5
    assert "?tab=done&amp;page=2" in first.content.decode()
    assert set(item_ids(first)).isdisjoint(item_ids(second))


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize("tab", ["todo", "done", "assigned"])
def test_query_count_does_not_grow_with_items(client_of, user, head, now, size, tab, django_assert_num_queries):
    others = UserFactory.create_batch(3)
    for i in range(size):
        WorkItemFactory(assignee=user, assigned_by=others[i % 3], due_at=now + timedelta(hours=i - size // 2))
        WorkItemFactory(assignee=user, status=WorkItemStatus.DONE, completed_at=now, assigned_by=others[i % 3])
        WorkItemFactory(assignee=others[i % 3], assigned_by=user)
    client = client_of(user)
    client.get(DESK)  # warms the per-process content-type cache that links each row

    # 1 session, 2 user, 3 desk_summary (tab badges, the pager's total and the unread notification
    # badge in one aggregate), 4 the page of items with assigner and assignee joined, 5 which of the
    # page's targets the person may see (one query per target type on the page: here one).
    with django_assert_num_queries(5):
        response = client.get(DESK, {"tab": tab})
    assert len(item_ids(response)) == min(size, 25)
    assert WorkItem.objects.filter(assignee=user).count() == 2 * size


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize("params", [{"kind": "task"}, {"tab": "assigned", "page": "2"}])
def test_filtered_and_htmx_query_counts_do_not_grow(
    client_of, user, head, now, size, params, django_assert_num_queries
):
    for _ in range(size):
        WorkItemFactory(assignee=user, kind="task")
        WorkItemFactory(assignee=head, assigned_by=user)
    client = client_of(user)
    client.get(DESK)  # warms the per-process content-type cache that links each row

    # 1 session, 2 user, 3 desk_summary (badges, the filtered total for the pager, the bell),
    # 4 the page of items, 5 which of their targets the person may see (one target type here); the
    # htmx partial runs the same queries and skips the navigation.
    with django_assert_num_queries(5):
        client.get(DESK, params)
    with django_assert_num_queries(5):
        client.get(DESK, params, headers={"hx-request": "true"})


SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("now", "due", "says"),
    [
        # Due Friday 17:30, seen Tuesday 14:05: the weekend does not count (1 day 20 h 35 min).
        ("2025-03-11 14:05", "2025-03-07 17:30", "by 1\xa0day, 20\xa0hours"),
        ("2025-03-11 14:05", "2025-03-11 12:05", "by 2\xa0hours"),
        ("2025-03-11 14:05", "2025-03-11 14:05:30", "in 0\xa0minutes"),
        ("2025-03-11 14:05", "2025-03-12 14:06", "in 1\xa0day"),
        # Tuesday to next Monday: four working days.
        ("2025-03-11 14:05", "2025-03-17 14:05", "in 4\xa0days"),
        # Across the National Day holiday (1–8 October 2025): only 30 September and 9 October count.
        ("2025-10-09 10:00", "2025-09-30 10:00", "by 1\xa0day"),
        # Saturday 11 October 2025 is a 调休 working day.
        ("2025-10-10 12:00", "2025-10-11 12:00", "in 1\xa0day"),
        ("2025-03-11 14:05", "2025-01-02 09:00", "by 1\xa0month, 1\xa0week"),
    ],
)
def test_row_says_how_long_in_working_time_in_djangos_words(client_of, user, now, due, says):
    moment = datetime.fromisoformat(now).replace(tzinfo=SHANGHAI)
    item = WorkItemFactory(assignee=user, due_at=datetime.fromisoformat(due).replace(tzinfo=SHANGHAI))
    with time_machine.travel(moment, tick=False):
        body = client_of(user).get(DESK, headers={"accept-language": "en"}).content.decode()
        # Django's own words for the working time (core.calendar.working_elapsed) between the two.
        start, end = sorted([moment, item.due_at])
        assert says.split(" ", 1)[1] == timesince(end - working_elapsed(start, end), end)
    assert says in body


def test_row_durations_are_translated(client_of, user):
    moment = datetime(2025, 3, 11, 14, 5, tzinfo=SHANGHAI)
    WorkItemFactory(assignee=user, due_at=datetime(2025, 3, 7, 17, 30, tzinfo=SHANGHAI))
    with time_machine.travel(moment, tick=False):
        body = client_of(user).get(DESK, headers={"accept-language": "zh-hans"}).content.decode()
    with translation.override("zh-hans"):
        words = timesince(moment - timedelta(days=1, hours=20), moment)
        assert gettext("by %(duration)s") % {"duration": words} in body
    assert "1\xa0日，20\xa0小时" in body  # Django's own words: "已超 1 日，20 小时"


def test_kind_filter_pages_by_the_filtered_total(desk, user):
    WorkItemFactory.create_batch(30, assignee=user, kind="task")
    WorkItemFactory.create_batch(5, assignee=user, kind="meeting")
    tasks = desk(kind="task").content.decode()
    assert "Page 1 of 2" in tasks
    assert "?tab=todo&amp;kind=task&amp;page=2" in tasks
    assert len(item_ids(desk(kind="task", page=2))) == 5
    assert "Page 1 of" not in desk(kind="meeting").content.decode()


def test_assigned_tab_pages_over_closed_items_too(client_of, user, head, now):
    WorkItemFactory.create_batch(20, assignee=head, assigned_by=user)
    WorkItemFactory.create_batch(10, assignee=head, assigned_by=user, status=WorkItemStatus.DONE, completed_at=now)
    client = client_of(user)
    first = client.get(DESK, {"tab": "assigned"}, headers={"accept-language": "en"})
    assert "Page 1 of 2" in first.content.decode()
    assert len(item_ids(client.get(DESK, {"tab": "assigned", "page": 2}))) == 5
    # The badge counts what is still open.
    tab = first.content.decode()[first.content.decode().index('id="tab-assigned"') :]
    assert re.match(r'id="tab-assigned">\s*[^<]+<span class="badge[^"]*"[^>]*>20</span>', tab)


def test_desk_shows_the_unread_notifications_without_a_query_of_its_own(desk, user):
    NotificationFactory.create_batch(3, recipient=user)
    NotificationFactory(recipient=user, read_at=timezone.now())
    NotificationFactory()  # someone else's
    assert re.search(r'id="unread-badge">3</span>', desk().content.decode())


def test_row_escapes_what_people_typed(desk, user, head):
    head.name = "<b>李处长</b>"
    head.save()
    WorkItemFactory(assignee=user, assigned_by=head, title='<script>alert("x")</script>')
    body = desk().content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "Assigned by &lt;b&gt;李处长&lt;/b&gt;" in body


def test_admin_lists_work_items_and_cannot_add(client_of, admin_user, user, head):
    WorkItemFactory.create_batch(3, assignee=user, assigned_by=head)
    client = client_of(admin_user)
    assert client.get(reverse("admin:workload_workitem_changelist")).status_code == 200
    assert client.get(reverse("admin:workload_workitem_add")).status_code == 403


def test_rows_whose_target_the_person_may_not_see_say_only_classification_and_kind(desk, user, monkeypatch):
    secret = WorkItemFactory(assignee=user, title="绝密的标题", kind="approval", classification="secret")
    shown = WorkItemFactory(assignee=user, title="看得见的事")
    asked = []

    def visible_refs(person, refs):
        asked.append(set(refs))
        return {(shown.target_type_id, shown.target_id)}

    monkeypatch.setattr("workload.views.visible_refs", visible_refs)
    body = desk().content.decode()

    assert len(asked) == 1  # once for the page
    assert asked[0] == {(secret.target_type_id, secret.target_id), (shown.target_type_id, shown.target_id)}
    row = body[body.index(f'id="item-{secret.pk}"') :]
    row = row[: row.index("</li>")]
    assert "A Secret work item: Approval" in row
    assert "绝密的标题" not in body
    assert "href" not in row
    assert reverse("workload:item_detail", args=[secret.pk]) not in body
    assert "看得见的事" in body


def test_masked_rows_in_chinese(client_of, user, monkeypatch):
    WorkItemFactory(assignee=user, title="绝密的标题", kind="approval", classification="secret")
    monkeypatch.setattr("workload.views.visible_refs", lambda person, refs: set())
    body = client_of(user).get(DESK, headers={"accept-language": "zh-hans"}).content.decode()
    assert "一件秘密级待办" in body
    assert "绝密的标题" not in body
