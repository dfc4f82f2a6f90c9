"""Review (issue 7, item 1): a plan item's matter follows the matter's own rule on the plan page and
in the API: a reader of the plan who may not see the matter is not shown its status or progress."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from affairs.models import Matter
from affairs.services import plan_create, plan_item_add, plan_item_to_matter
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_with_matter(head, department):
    plan = plan_create(
        actor=head, title="三月工作计划", period="month", period_start=date(2026, 3, 1), department=department
    )
    owner = UserFactory(department=department)
    item = plan_item_add(actor=head, plan=plan, title="年度预算编制", owner=owner, due_on=date(2027, 3, 20))
    matter = plan_item_to_matter(actor=head, item=item)
    # Since classified above what a colleague of the department is cleared for.
    Matter.objects.filter(pk=matter.pk).update(classification="secret", percent=40)
    return plan, matter


def test_plan_page_hides_the_progress_of_a_matter_the_reader_may_not_see(client, plan_with_matter, department):
    plan, matter = plan_with_matter
    colleague = UserFactory(department=department)  # sees the department's plan, not the secret matter
    client.force_login(colleague)
    body = client.get(reverse("affairs:plan_detail", args=[plan.pk])).content.decode()
    assert "年度预算编制" in body  # the plan's own item
    assert matter.get_absolute_url() not in body
    assert "40%" not in body
    assert "data-masked" in body


def test_plan_api_hides_the_matter_the_reader_may_not_see(plan_with_matter, department, head):
    plan, matter = plan_with_matter
    api = APIClient()
    api.force_authenticate(UserFactory(department=department))
    (item,) = api.get(f"/api/v1/work-plans/{plan.pk}/").json()["items"]
    assert item["matter"] is None

    head.clearance = "secret"
    head.save()
    api.force_authenticate(head)
    (item,) = api.get(f"/api/v1/work-plans/{plan.pk}/").json()["items"]
    assert item["matter"] == {"id": matter.pk, "status": matter.status, "percent": 40}
