"""Fixtures for affairs: a bureau with a leader who assigns, a lead owner and an assistant."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from affairs.services import matter_create
from tests.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _monday_morning():
    """Affairs tests run on Monday 2 March 2026, 10:00 in Shanghai, unless a test travels further."""
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SH), tick=False) as traveller:
        yield traveller


@pytest.fixture
def assistant(department):
    return UserFactory(username="assistant", name="陈协办", department=department)


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", name="赵外人")


@pytest.fixture
def matter(leader, user, assistant):
    return matter_create(
        actor=leader,
        title="完善应急值班制度",
        description="修订值班表并报局领导",
        priority="key",
        lead=user,
        assisting=[assistant],
        due_on=date(2026, 3, 6),
    )
