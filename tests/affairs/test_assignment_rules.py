"""Assignment rules on every path (issue 7, item 2): one rule (``affairs.services.may_assign``) for
a matter's lead and assisting owners on create and transfer, a work plan's item owners, and a plan
item turned into a matter; each path by page and by API."""

from datetime import date

import pytest
from django.urls import reverse

from affairs.models import Matter, WorkPlan, WorkPlanItem
from affairs.services import matter_create, plan_create
from tests.api import as_, assert_error
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(db):
    return DepartmentFactory(name="财务处", code="finance")


@pytest.fixture
def fin_head(finance):
    person = UserFactory(username="finhead", name="钱处长", department=finance)
    finance.head = person
    finance.save()
    return person


@pytest.fixture
def fin_staff(finance):
    return UserFactory(username="finstaff", name="孙会计", department=finance)


@pytest.fixture
def plan(fin_head, finance):
    return plan_create(actor=fin_head, title="三月工作计划", period="month", period_start=date(2026, 3, 1),
                       department=finance)  # fmt: skip


def _item(plan, owner):
    # An item as the office may have put it on the plan (the office plans for any department).
    return WorkPlanItem.objects.create(plan=plan, title="年度预算执行分析", owner=owner, due_on=date(2026, 3, 13))


# --- A head's plan holds only their own department's people -------------------------------------


def test_plan_item_owner_page(client_of, plan, fin_head, fin_staff, leader):
    client = client_of(fin_head)
    url = reverse("affairs:plan_item_add", args=[plan.pk])
    refused = client.post(url, {"item-title": "给局长的任务", "item-owner": leader.pk, "item-priority": "routine"})
    assert refused.status_code == 403
    ok = client.post(url, {"item-title": "本处任务", "item-owner": fin_staff.pk, "item-priority": "routine"})
    assert ok.status_code == 302
    assert list(plan.items.values_list("owner_id", flat=True)) == [fin_staff.pk]


def test_plan_item_owner_api(plan, fin_head, fin_staff, leader, user):
    url = f"/api/v1/work-plans/{plan.pk}/items/"
    for outsider in (leader, user):  # the 局长, and someone of another department
        assert_error(as_(fin_head).post(url, {"title": "越权", "owner": outsider.pk}, format="json"), 403,
                     "may_not_assign")  # fmt: skip
    assert as_(fin_head).post(url, {"title": "本处任务", "owner": fin_staff.pk}, format="json").status_code == 201
    assert list(plan.items.values_list("owner_id", flat=True)) == [fin_staff.pk]


def test_plan_created_with_items_api_is_all_or_nothing(fin_head, finance, fin_staff, leader):
    body = {"title": "四月计划", "period": "month", "period_start": "2026-04-01", "department": finance.pk,
            "items": [{"title": "本处", "owner": fin_staff.pk}, {"title": "越权", "owner": leader.pk}]}  # fmt: skip
    assert_error(as_(fin_head).post("/api/v1/work-plans/", body, format="json"), 403, "may_not_assign")
    assert not WorkPlan.objects.filter(title="四月计划").exists()


def test_the_office_plans_with_anyone(plan, office_member, leader):
    url = f"/api/v1/work-plans/{plan.pk}/items/"
    assert as_(office_member).post(url, {"title": "请局长审定", "owner": leader.pk}, format="json").status_code == 201


# --- A plan item becomes a matter only under the rule for creating a matter -----------------------


def test_plan_to_matter_page(client_of, plan, fin_head, leader, office_member):
    item = _item(plan, leader)
    url = reverse("affairs:plan_item_to_matter", args=[item.pk])
    assert client_of(fin_head).post(url).status_code == 403  # the head of 财务处 cannot task the 局长
    item.refresh_from_db()
    assert item.matter is None and not Matter.objects.exists()
    assert client_of(office_member).post(url).status_code == 302
    item.refresh_from_db()
    assert item.matter.lead == leader


def test_plan_to_matter_api(plan, fin_head, fin_staff, leader):
    refused = _item(plan, leader)
    assert_error(as_(fin_head).post(f"/api/v1/plan-items/{refused.pk}/to-matter/", {}, format="json"), 403,
                 "may_not_assign")  # fmt: skip
    assert not Matter.objects.exists()
    own = _item(plan, fin_staff)
    assert as_(fin_head).post(f"/api/v1/plan-items/{own.pk}/to-matter/", {}, format="json").status_code == 201
    assert Matter.objects.get().lead == fin_staff


# --- Assisting owners (协办) follow the lead owner's rule ------------------------------------------


def _matter_form(lead, assisting=()):
    return {"title": "联合检查", "lead": lead.pk, "assisting": [p.pk for p in assisting], "due_on": "2026-03-13",
            "priority": "routine", "urgency": "normal", "classification": "internal"}  # fmt: skip


def test_assisting_owners_on_create_page(client_of, head, user, assistant, fin_staff):
    client = client_of(head)
    refused = client.post(reverse("affairs:matter_create"), _matter_form(user, [fin_staff]))
    assert refused.status_code == 403
    assert not Matter.objects.exists()
    assert client.post(reverse("affairs:matter_create"), _matter_form(user, [assistant])).status_code == 302


def test_assisting_owners_on_create_api(head, user, assistant, fin_staff, leader):
    body = {"title": "联合检查", "priority": "routine", "lead": user.pk, "due_on": "2026-03-13"}
    assert_error(as_(head).post("/api/v1/matters/", {**body, "assisting": [fin_staff.pk]}, format="json"), 403,
                 "may_not_assign")  # fmt: skip
    assert not Matter.objects.exists()
    assert as_(head).post("/api/v1/matters/", {**body, "assisting": [assistant.pk]}, format="json").status_code == 201
    # Leaders assign across departments, assistants included.
    assert as_(leader).post("/api/v1/matters/", {**body, "assisting": [fin_staff.pk]}, format="json").status_code == 201


# --- Transfer: the new lead is within the assigner's or the transferrer's reach -----------------


@pytest.fixture
def head_matter(head, user):
    return matter_create(actor=head, title="整理本处档案", lead=user, due_on=date(2026, 3, 13))


def test_transfer_page(client_of, head_matter, user, assistant, leader):
    url = reverse("affairs:matter_transfer", args=[head_matter.pk])
    refused = client_of(user).post(url, {"transfer-to": leader.pk, "transfer-reason": "请局长办"})
    assert refused.status_code == 403
    head_matter.refresh_from_db()
    assert head_matter.lead == user
    assert client_of(user).post(url, {"transfer-to": assistant.pk, "transfer-reason": "工作调整"}).status_code == 302
    head_matter.refresh_from_db()
    assert head_matter.lead == assistant


def test_transfer_api(head_matter, user, head, fin_staff, office_member):
    url = f"/api/v1/matters/{head_matter.pk}/transfer/"
    assert_error(as_(head).post(url, {"to": fin_staff.pk, "reason": "转财务处"}, format="json"), 403, "may_not_assign")
    # The office may move it anywhere (its own reach), and the matter follows.
    assert as_(office_member).post(url, {"to": fin_staff.pk, "reason": "协调后转办"}, format="json").status_code == 200
    head_matter.refresh_from_db()
    assert head_matter.lead == fin_staff
