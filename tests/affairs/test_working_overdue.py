"""A matter's page says how far past its deadline it is in working time (not calendar time)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from affairs.services import matter_create

SH = ZoneInfo("Asia/Shanghai")
EN = {"accept-language": "en"}
pytestmark = pytest.mark.django_db


def test_the_matter_page_says_overdue_in_working_time(client_of, user, leader):
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SH), tick=False):
        matter = matter_create(actor=leader, title="报送一季度统计", lead=user, due_on=date(2026, 3, 6))
    # Due Friday 17:30; Tuesday 14:05 is one working day 20 h 35 min later (the weekend does not count).
    with time_machine.travel(datetime(2026, 3, 10, 14, 5, tzinfo=SH), tick=False):
        response = client_of(leader).get(
            reverse("affairs:matter_detail", args=[matter.pk]), headers={"accept-language": "en"}
        )
    assert "overdue by 1 working day 20 hours" in response.content.decode()
