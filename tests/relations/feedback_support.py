"""Fixtures of the public feedback tests: an office clerk (the office has a head too), a department
with its head and a member, and ``register`` (feedback through the service)."""

import pytest

from relations.feedback import feedback_register_entry, feedback_reply, feedback_route
from tests.factories import UserFactory


@pytest.fixture
def clerk(office, office_head):
    return UserFactory(username="clerk", department=office)


@pytest.fixture
def handler_dept(lead_dept):
    return lead_dept


@pytest.fixture
def member(handler_dept):
    return UserFactory(username="member", department=handler_dept)


@pytest.fixture
def register(clerk):
    def make(**fields):
        values = {
            "channel": "letter",
            "category": "complaint",
            "subject": "门前道路积水",
            "content": "雨后积水严重，请尽快处理。",
            "submitter_name": "赵先生",
            "submitter_phone": "13800000000",
            "submitter_address": "幸福路1号",
        }
        values.update(fields)
        actor = values.pop("actor", clerk)
        return feedback_register_entry(actor=actor, **values)

    return make


@pytest.fixture
def routed(register, clerk, handler_dept):
    def make(**fields):
        return feedback_route(actor=clerk, feedback=register(**fields), department=handler_dept)

    return make


@pytest.fixture
def answered(routed, handler_dept):
    def make(**fields):
        return feedback_reply(actor=handler_dept.head, feedback=routed(**fields), reply="已处理完毕。")

    return make
