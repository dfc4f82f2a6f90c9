"""Fixtures for affairs: a bureau with a leader who assigns, a lead owner and an assistant."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from affairs.services import ArrangementSpec, matter_create, reception_create
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


@pytest.fixture
def reception(office_member, leader, user, assistant):
    """A planned reception with two arrangements (meals for the user, the room for the assistant)."""
    return reception_create(
        actor=office_member,
        visiting_org="兄弟单位考察团",
        purpose="交流协同办公经验",
        arrival=datetime(2026, 3, 10, 9, tzinfo=SH),
        departure=datetime(2026, 3, 10, 17, tzinfo=SH),
        visitors=[("钱主任", "主任")],
        visitor_count=4,
        host_leader=leader,
        arrangements=[
            ArrangementSpec(kind="meals", owner=user, description="午餐工作餐 6 人"),
            ArrangementSpec(kind="meeting_room", owner=assistant, description="三楼会议室"),
        ],
    )
