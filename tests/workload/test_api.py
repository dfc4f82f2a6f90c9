"""Work-item API: own items and those one assigned, filters, overdue, targets, 404s, query budget."""

import base64
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Department
from affairs.models import Matter, WorkPlan
from affairs.services import matter_create
from core.enums import Priority, Urgency
from tests.api import as_
from tests.factories import DepartmentFactory, UserFactory, WorkItemFactory
from workload.models import WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db

URL = "/api/v1/work-items/"


@pytest.fixture
def now():
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        yield start


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_anonymous_is_401(api_client):
    response = api_client.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_item_shape(user_api, user, head, now):
    item = WorkItemFactory(
        assignee=user,
        assigned_by=head,
        title="审核报告",
        due_at=now - timedelta(hours=1),
        priority=Priority.KEY,
        urgency=Urgency.URGENT,
    )

    [row] = user_api.get(URL).json()["results"]

    assert row == {
        "id": item.pk,
        "kind": "task",
        "title": "审核报告",
        "target": {"type": "department", "id": item.target_id, "url": None},
        "due_at": timezone.localtime(item.due_at).isoformat(),
        "overdue": True,
        "priority": "key",
        "urgency": "urgent",
        "status": "open",
        "assignee": {"id": user.pk, "name": "张文涛"},
        "assigned_by": {"id": head.pk, "name": "李处长"},
        "escalation_level": 0,
        "created_at": timezone.localtime(item.created_at).isoformat(),
        "completed_at": None,
        "outcome": "",
    }
    assert row["due_at"].endswith("+08:00")  # ISO 8601 with the offset of Asia/Shanghai


def test_target_links_to_its_registered_page(user_api, user, monkeypatch):
    from workload import targets

    monkeypatch.setitem(targets._url_names, "accounts.department", "api:department-detail")
    item = WorkItemFactory(assignee=user)
    [row] = user_api.get(URL).json()["results"]
    assert row["target"] == {
        "type": "department",
        "id": item.target_id,
        "url": f"/api/v1/departments/{item.target_id}/",
    }


def test_overdue_only_for_open_items_past_due(user_api, user, now):
    past = WorkItemFactory(assignee=user, due_at=now - timedelta(minutes=1))
    future = WorkItemFactory(assignee=user, due_at=now + timedelta(minutes=1))
    undated = WorkItemFactory(assignee=user, due_at=None)
    done_late = WorkItemFactory(
        assignee=user, due_at=now - timedelta(days=1), status=WorkItemStatus.DONE, completed_at=now
    )
    overdue = {row["id"]: row["overdue"] for row in user_api.get(URL).json()["results"]}
    assert overdue == {past.pk: True, future.pk: False, undated.pk: False, done_late.pk: False}


def test_mine_is_the_default_and_shows_only_own_items(user_api, user, head):
    own = WorkItemFactory(assignee=user)
    WorkItemFactory(assignee=head, assigned_by=user)
    assert ids(user_api.get(URL)) == [own.pk]
    assert ids(user_api.get(URL, {"scope": "mine"})) == [own.pk]


def test_scope_assigned_lists_what_i_asked_others_to_do(user_api, user, head):
    WorkItemFactory(assignee=user)
    delegated = WorkItemFactory(assignee=head, assigned_by=user)
    WorkItemFactory(assignee=head)
    assert ids(user_api.get(URL, {"scope": "assigned"})) == [delegated.pk]


def test_status_and_kind_filters(user_api, user, now):
    open_task = WorkItemFactory(assignee=user)
    open_matter = WorkItemFactory(assignee=user, kind=WorkItemKind.MATTER)
    done = WorkItemFactory(assignee=user, status=WorkItemStatus.DONE, completed_at=now)
    assert set(ids(user_api.get(URL, {"status": "open"}))) == {open_task.pk, open_matter.pk}
    assert ids(user_api.get(URL, {"status": "done"})) == [done.pk]
    assert ids(user_api.get(URL, {"status": "open", "kind": "matter"})) == [open_matter.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "nonsense"}, "status"),
        ({"kind": "everything"}, "kind"),
        ({"scope": "everyone"}, "scope"),
        ({"status": "\x00"}, "status"),
    ],
)
def test_invalid_filters_are_400_with_fields(user_api, user, params, field):
    response = user_api.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]


def test_junk_cursor_is_404_in_the_error_format(user_api, user):
    response = user_api.get(URL, {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_pages_with_a_cursor_newest_first(user_api, user):
    items = WorkItemFactory.create_batch(5, assignee=user)
    first = user_api.get(URL, {"page_size": 2}).json()
    assert [r["id"] for r in first["results"]] == [items[4].pk, items[3].pk]
    second = user_api.get(first["next"]).json()
    third = user_api.get(second["next"]).json()
    assert [r["id"] for r in second["results"] + third["results"]] == [items[2].pk, items[1].pk, items[0].pk]
    assert third["next"] is None
    assert third["previous"] is not None


def test_previous_goes_back_to_the_page_before(user_api, user):
    items = WorkItemFactory.create_batch(5, assignee=user)
    first = user_api.get(URL, {"page_size": 2}).json()
    second = user_api.get(first["next"]).json()
    back = user_api.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [items[4].pk, items[3].pk]
    assert back["previous"] is None


def test_cursor_with_a_made_up_position_is_404(user_api, user):
    WorkItemFactory(assignee=user)
    cursor = base64.b64encode(b"p=abc").decode()
    response = user_api.get(URL, {"cursor": cursor})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("scope", ["mine", "assigned"])
@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_does_not_grow(user_api, user, scope, rows, django_assert_num_queries):
    others = UserFactory.create_batch(3)
    for n in range(rows):
        if scope == "mine":
            WorkItemFactory(assignee=user, assigned_by=others[n % 3])
        else:
            WorkItemFactory(assignee=others[n % 3], assigned_by=user)
    ContentType.objects.get_for_model(Department)  # the content-type cache is warm in a running server
    # 1: the page of items joined with assignee and assigner; 2: which of the page's targets the
    # reader may see (one query for every kind of target on the page, workload.targets.visible_refs)
    with django_assert_num_queries(2):
        response = user_api.get(URL, {"scope": scope})
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("kinds_of_target", [1, 3])
def test_list_query_count_does_not_depend_on_the_kinds_of_target(
    user_api, user, leader, kinds_of_target, django_assert_num_queries
):
    """A page whose items point at matters, work plans and departments costs what a page of
    matters alone costs: the visibility of all its targets is one query (workload.targets.visible_refs)."""
    matter = matter_create(actor=leader, title="事项", lead=user, due_on=date(2030, 3, 6))  # an item for the lead
    plan = WorkPlan.objects.create(
        title="计划", period="month", period_start=date(2030, 3, 1), department=user.department, created_by=leader
    )
    targets = [matter, plan, DepartmentFactory()][:kinds_of_target]
    for n in range(6):
        WorkItemFactory(assignee=user, assigned_by=leader, target=targets[n % kinds_of_target])
    for model in (Department, Matter, WorkPlan):
        ContentType.objects.get_for_model(model)  # the content-type cache is warm in a running server
    # 1: the page; 2: the reader's roles (the matter and plan rules ask them); 3: which of the
    # page's targets, of every kind, the reader may see.
    with django_assert_num_queries(3):
        response = user_api.get(URL)
    rows = response.json()["results"]
    assert len(rows) == 7
    kinds = ["matter", "work_plan", "department"][:kinds_of_target]
    assert sorted({row["target"]["type"] for row in rows}) == sorted(kinds)
    assert all("事项" in row["title"] for row in rows)  # none masked: the reader may see every target


def test_detail_of_own_and_assigned_items(user_api, user, head):
    own = WorkItemFactory(assignee=user)
    delegated = WorkItemFactory(assignee=head, assigned_by=user)
    assert user_api.get(f"{URL}{own.pk}/").json()["id"] == own.pk
    assert user_api.get(f"{URL}{delegated.pk}/").json()["assignee"] == {"id": head.pk, "name": "李处长"}


def test_someone_elses_item_is_404_not_403(user_api, user, head):
    theirs = WorkItemFactory(assignee=head)
    response = user_api.get(f"{URL}{theirs.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"], "code": "not_found"}


def test_the_office_sees_any_item(office_member, head):
    theirs = WorkItemFactory(assignee=head)
    assert as_(office_member).get(f"{URL}{theirs.pk}/").status_code == 200


@pytest.mark.parametrize("pk", ["abc", "0", "99999", "123456789012345678901234567890"])
def test_junk_or_unknown_id_is_404(user_api, user, pk):
    response = user_api.get(f"{URL}{pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_is_read_only(user_api, user):
    assert user_api.post(URL, {"title": "x"}, format="json").status_code == 405
    item = WorkItemFactory(assignee=user)
    assert user_api.delete(f"{URL}{item.pk}/").status_code == 405
