"""Fixtures of the relations tests: leaders outside the office (the suite's ``leader`` sits in the
office department, which would make them the office too)."""

import pytest

from tests.factories import DepartmentFactory, LeaderFactory


@pytest.fixture
def bureau(db):
    return DepartmentFactory(name="局领导", code="bureau")


@pytest.fixture
def leader(bureau):
    return LeaderFactory(username="leader", name="王局长", department=bureau)


@pytest.fixture
def deputy(bureau):
    return LeaderFactory(username="deputy", name="李副局长", department=bureau)
