"""Titles are single-line: a line break is refused at input (page forms and API), never stored."""

import pytest
from django.urls import reverse

from affairs.models import Matter
from tests.api import as_, assert_error

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
BROKEN = "整理督办台账\r\nBcc: everyone@example.com"


def test_api_refuses_a_matter_title_with_a_line_break(leader, user):
    body = {"title": BROKEN, "priority": "key", "lead": user.pk, "due_on": "2026-03-13"}
    error = assert_error(as_(leader).post("/api/v1/matters/", body, format="json", headers=EN), 400)
    assert error["fields"]["title"] == ["Keep this to one line: remove the line breaks."]
    assert not Matter.objects.exists()


@pytest.mark.parametrize("breaker", ["\n", "\r", "\u2028"])
def test_page_form_refuses_a_matter_title_with_a_line_break(client_of, leader, user, breaker):
    form = {"title": f"整理{breaker}台账", "lead": user.pk, "due_on": "2026-03-13", "priority": "routine",
            "urgency": "normal", "classification": "internal"}  # fmt: skip
    response = client_of(leader).post(reverse("affairs:matter_create"), form, headers=EN)
    assert response.status_code == 400
    assert "Keep this to one line: remove the line breaks." in response.content.decode()
    assert not Matter.objects.exists()


def test_a_single_line_title_is_accepted(leader, user):
    body = {"title": "整理督办台账", "priority": "key", "lead": user.pk, "due_on": "2026-03-13"}
    assert as_(leader).post("/api/v1/matters/", body, format="json").status_code == 201


def test_plan_and_reception_titles_refuse_line_breaks(leader, head, department):
    plan = {"title": "三月\n计划", "period": "month", "period_start": "2026-03-01", "department": department.pk}
    error = assert_error(as_(head).post("/api/v1/work-plans/", plan, format="json"), 400)
    assert "title" in error["fields"]
    reception = {"visiting_org": "兄弟\r\n单位", "purpose": "调研",
                 "arrival": "2026-03-05T09:00:00+08:00", "departure": "2026-03-05T17:00:00+08:00"}  # fmt: skip
    response = as_(leader).post("/api/v1/receptions/", reception, format="json")
    assert response.status_code == 400
    assert "visiting_org" in response.json()["fields"]
