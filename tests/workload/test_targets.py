"""The registry of target types (workload.targets): one visibility rule per type, asked by every path."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import Department, User
from affairs.models import Matter, WorkPlan
from affairs.services import matter_create
from notifications import visibility
from tests.factories import UserFactory, WorkItemFactory
from workload import targets
from workload.models import WorkItem

pytestmark = pytest.mark.django_db


def _ref(obj):
    return (ContentType.objects.get_for_model(obj).pk, obj.pk)


@pytest.fixture
def secret_matter(leader, user):
    leader.clearance = user.clearance = "secret"
    leader.save()
    user.save()
    return matter_create(actor=leader, title="涉密事项", lead=user, due_on=date(2030, 3, 6), classification="secret")


def test_visible_refs_asks_once_whatever_the_types(secret_matter, office_member, department, django_assert_num_queries):
    refs = [_ref(secret_matter), _ref(department)]
    ContentType.objects.get_for_model(Matter)  # warm the content-type cache
    ContentType.objects.get_for_model(Department)
    # 1 whether the person is in the office (the matter rule), 2 the matters and departments at once.
    with django_assert_num_queries(2):
        assert targets.visible_refs(office_member, refs) == {_ref(department)}  # cleared for 内部 only
    office_member.clearance = "secret"
    assert targets.visible_refs(office_member, refs) == set(refs)


def test_the_query_count_does_not_depend_on_the_types_asked(secret_matter, leader, user, department):
    """Refs of one target type or of three cost the same: the count of a page never depends on
    what its rows point at (issue 7, item 12)."""
    plan = WorkPlan.objects.create(
        title="计划", period="month", period_start=date(2030, 3, 1), department=department, created_by=leader
    )
    other = matter_create(actor=leader, title="公开事项", lead=leader, due_on=date(2030, 3, 6))
    ContentType.objects.get_for_model(WorkPlan)
    ContentType.objects.get_for_model(Matter)
    ContentType.objects.get_for_model(Department)
    one_type = [_ref(secret_matter), _ref(other)]
    three_types = [*one_type, _ref(department), _ref(plan)]
    counts = []
    for refs in (one_type, three_types):
        person = User.objects.get(pk=user.pk)  # the roles, looked up once per request, not kept
        with CaptureQueriesContext(connection) as queries:
            seen = targets.visible_refs(person, refs)
        counts.append(len(queries))
    assert counts[0] == counts[1] == 2  # the person's roles, then one query for every type
    assert seen == {_ref(secret_matter), _ref(department), _ref(plan)}  # the other matter is not theirs


def test_unregistered_types_are_visible_to_no_one(admin_user, user):
    person = UserFactory()  # a person is not a target type
    assert targets.visible_refs(admin_user, [_ref(person)]) == set()
    assert not targets.may_see(admin_user, person)
    assert targets.visible_queryset(admin_user, User).count() == 0


def test_a_rule_may_be_a_condition_or_a_queryset(monkeypatch, user, department):
    monkeypatch.setitem(targets._rules, "accounts.department", lambda u: Department.objects.filter(pk=department.pk))
    assert targets.may_see(user, department)
    monkeypatch.setitem(targets._rules, "accounts.department", lambda u: Q(pk=-1))
    assert not targets.may_see(user, department)


def test_anonymous_sees_nothing(department):
    from django.contrib.auth.models import AnonymousUser

    assert targets.visible_refs(AnonymousUser(), [_ref(department)]) == set()


def test_notifications_ask_the_registry(secret_matter, user, office_member):
    """workload.apps hands the registry to notifications.visibility at start-up."""
    ct, pk = _ref(secret_matter)
    assert visibility.may_see(user, ct, pk)
    assert not visibility.may_see(office_member, ct, pk)


def test_matters_register_their_page_and_rule(secret_matter, user):
    ct, pk = _ref(secret_matter)
    assert targets.target_ref(ct, pk) == {"type": "matter", "id": pk, "url": f"/affairs/matters/{pk}/"}
    assert targets.may_see(user, secret_matter)


def test_masked_title_names_only_the_classification():
    with translation.override("en"):
        assert targets.masked_title("secret") == "A Secret work item"
        assert targets.masked_title(None) == "A classified work item"


@pytest.mark.parametrize("rows", [5, 40])
def test_the_list_masks_a_page_in_constant_queries(leader, rows, django_assert_num_queries):
    """Items whose target the reader may no longer see are masked in the work-item list, at a cost
    that does not grow with the page."""
    from tests.api import as_

    leader.clearance = "secret"
    leader.save()
    holder = UserFactory(clearance="secret")
    for n in range(rows):
        matter_create(actor=leader, title=f"涉密{n}", lead=holder, due_on=date(2030, 3, 6), classification="secret")
    holder.clearance = "internal"
    holder.save()
    client = as_(holder)
    ContentType.objects.get_for_model(Matter)
    # 1 the page of items (with their classification); the matter rule: 2 the reader's roles (in the
    # office? which departments they head? one query), 3 which of the page's matters they may see.
    with django_assert_num_queries(3):
        body = client.get("/api/v1/work-items/", {"scope": "mine"}).json()
    assert len(body["results"]) == rows
    assert {row["title"] for row in body["results"]} == {targets.masked_title("secret")}
    assert {row["target"]["url"] for row in body["results"]} == {None}
    assert WorkItem.objects.filter(assignee=holder).count() == rows


def test_item_detail_for_the_assignee_no_longer_cleared(secret_matter, user, django_assert_num_queries):
    from tests.api import as_

    item = WorkItem.objects.get(assignee=user)
    user.clearance = "internal"
    user.save()
    body = as_(user).get(f"/api/v1/work-items/{item.pk}/").json()
    assert body["title"] == targets.masked_title("secret")
    assert body["target"]["url"] is None
    assert body["outcome"] == ""


def test_an_item_of_an_open_target_is_not_masked(user):
    item = WorkItemFactory(assignee=user, title="普通事项")
    from tests.api import as_

    assert as_(user).get(f"/api/v1/work-items/{item.pk}/").json()["title"] == "普通事项"
