"""Fixtures of the relations tests: three departments with heads, the office with its head,
and ``raise_matter`` (a matter through the service)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relations.services_coordination import coordination_raise
from tests.factories import DepartmentFactory, LeaderFactory, UserFactory


def _with_head(code, name):
    department = DepartmentFactory(code=code, name=name)
    head = UserFactory(username=f"{code}-head", department=department)
    department.head = head
    department.save()
    return department


@pytest.fixture
def lead_dept(db):
    return _with_head("lead", "牵头处")


@pytest.fixture
def coop_dept(db):
    return _with_head("coop", "配合处")


@pytest.fixture
def other_dept(db):
    return _with_head("other", "第三处")


@pytest.fixture
def office_head(office):
    head = UserFactory(username="office-head", department=office)
    office.head = head
    office.save()
    return head


@pytest.fixture
def raiser(department):
    return UserFactory(username="raiser", department=department)


@pytest.fixture
def raise_matter(raiser, lead_dept, coop_dept, office_head):
    def make(*, actor=None, cooperating=None, days=3, **fields):
        return coordination_raise(
            actor=actor or raiser,
            title=fields.pop("title", "河道整治协调"),
            lead_department=fields.pop("lead", lead_dept),
            cooperating_departments=cooperating if cooperating is not None else [coop_dept],
            respond_by=timezone.localdate() + timedelta(days=days),
            **fields,
        )

    return make


# Leaders outside the office (the suite's ``leader`` sits in the office department, which would
# make them the office too): the schedules' tests.
@pytest.fixture
def bureau(db):
    return DepartmentFactory(name="局领导", code="bureau")


@pytest.fixture
def leader(bureau):
    return LeaderFactory(username="leader", name="王局长", department=bureau)


@pytest.fixture
def deputy(bureau):
    return LeaderFactory(username="deputy", name="李副局长", department=bureau)
