"""Fixtures of the workload tests: two departments of the dashboards' tests."""

import pytest

from tests.factories import DepartmentFactory, UserFactory


@pytest.fixture
def units(office):
    """甲处 and 乙处, each with its head, and a member of 甲处 (beside the office of tests/conftest.py)."""
    a = DepartmentFactory(name="甲处", code="a")
    b = DepartmentFactory(name="乙处", code="b")
    head_a = UserFactory(username="head_a", name="赵处长", department=a)
    a.head = head_a
    a.save()
    head_b = UserFactory(username="head_b", name="孙处长", department=b)
    b.head = head_b
    b.save()
    staff_a = UserFactory(username="staff_a", name="钱科员", department=a)
    return {"a": a, "b": b, "head_a": head_a, "head_b": head_b, "staff_a": staff_a}
