"""Shared set-up of the incoming-document and reading-packet tests: a bureau with its office, two
leaders (not in the office), two departments with heads, staff and an outsider; Monday 2 March 2026.

Test modules import the fixtures from here (``bureau_fixture``, ``monday_fixture``: pytest loads only
``conftest.py`` by itself, and a fixture's own name would clash with the test's argument).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from documents.models import IncomingDocument
from documents.services.incoming import incoming_register
from tests.factories import DepartmentFactory, LeaderFactory, OfficeFactory, UserFactory

SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 2)


@dataclass
class Bureau:
    office: Any
    general: Any
    finance: Any
    clerk: Any  # the office's registrar, cleared for secret material
    junior_clerk: Any  # in the office, internal clearance only
    leader: Any  # a leader (局领导), cleared for secret material
    other_leader: Any
    low_leader: Any  # a leader cleared for internal material only
    general_head: Any
    finance_head: Any
    staff: Any  # in general, not its head
    outsider: Any


@pytest.fixture(name="monday")
def monday_fixture():
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SH), tick=False) as traveller:
        yield traveller


@pytest.fixture(name="bureau")
def bureau_fixture(db, monday) -> Bureau:
    office = OfficeFactory()
    leadership = DepartmentFactory(name="局领导", code="leaders")
    general = DepartmentFactory(name="综合处", code="general", doc_prefix="综发")
    finance = DepartmentFactory(name="财务处", code="finance", doc_prefix="财发")
    people = Bureau(
        office=office,
        general=general,
        finance=finance,
        clerk=UserFactory(username="clerk", name="周收文", department=office, clearance="secret"),
        junior_clerk=UserFactory(username="junior", name="吴文书", department=office),
        leader=LeaderFactory(username="leader", name="王局长", department=leadership, clearance="secret"),
        other_leader=LeaderFactory(username="leader2", name="李副局长", department=leadership, clearance="secret"),
        low_leader=LeaderFactory(username="leader3", name="赵副局长", department=leadership),
        general_head=UserFactory(username="ghead", name="陈处长", department=general, clearance="secret"),
        finance_head=UserFactory(username="fhead", name="杨处长", department=finance, clearance="secret"),
        staff=UserFactory(username="staff", name="张科员", department=general),
        outsider=UserFactory(username="outsider", name="孙外人", department=DepartmentFactory(code="other")),
    )
    general.head = people.general_head
    general.save()
    finance.head = people.finance_head
    finance.save()
    return people


def register(bureau: Bureau, **changes: Any) -> IncomingDocument:
    fields = {
        "title": "关于开展安全生产检查的函",
        "sender_org": "市应急管理局",
        "sender_number": "应急函〔2026〕12号",
        "received_on": TODAY,
        "classification": "internal",
        "urgency": "normal",
        "body": "请于三月底前完成自查并报送结果。",
    }
    fields.update(changes)
    return incoming_register(actor=bureau.clerk, **fields)


def api(person: Any) -> APIClient:
    """An API client of ``person``, fresh from the database (as a request would load them: no roles
    remembered from the set-up)."""
    client = APIClient()
    client.force_authenticate(type(person).objects.get(pk=person.pk))
    return client
