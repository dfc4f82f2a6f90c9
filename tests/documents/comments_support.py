"""Shared set-up of the comment-collection tests (tests/documents/test_comments_*.py).

A bureau on Monday 2 March 2026, 10:00 in Shanghai: the drafter in 综合处 (headed by ``head``), two
reviewers in 法规处 (headed by ``legal_head``), someone who is not cleared for secret material, and
an outsider; a draft notice written through ``documents.services.drafting.document_create``.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from documents.services.drafting import document_create
from tests.factories import DepartmentFactory, OfficeFactory, UserFactory
from workload.models import WorkItem

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 10, tzinfo=SH)
BODY = "一、总体要求\n各单位要加强值班管理，确保信息畅通。\n二、工作安排\n请于三月底前报送值班表。"
SECRET = "secret"


@dataclass
class Bureau:
    drafter: Any
    head: Any
    reviewer: Any
    colleague: Any  # the reviewer's colleague in 法规处 (a delegate)
    legal_head: Any
    legal: Any  # 法规处
    general: Any  # 综合处
    uncleared: Any
    outsider: Any
    office_member: Any


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def bureau(db, monday) -> Bureau:
    office = OfficeFactory()
    general = DepartmentFactory(name="综合处", code="general", doc_prefix="综发")
    legal = DepartmentFactory(name="法规处", code="legal")
    drafter = UserFactory(username="drafter", name="张起草", department=general, clearance=SECRET)
    head = UserFactory(username="head", name="李处长", department=general, clearance=SECRET)
    general.head = head
    general.save()
    legal_head = UserFactory(username="legal_head", name="王法规", department=legal, clearance=SECRET)
    legal.head = legal_head
    legal.save()
    return Bureau(
        drafter=drafter,
        head=head,
        reviewer=UserFactory(username="reviewer", name="陈审阅", department=legal, clearance=SECRET),
        colleague=UserFactory(username="colleague", name="刘同事", department=legal, clearance=SECRET),
        legal_head=legal_head,
        legal=legal,
        general=general,
        uncleared=UserFactory(username="uncleared", name="赵内部", department=legal),
        outsider=UserFactory(username="outsider", name="孙外人", department=DepartmentFactory(code="other")),
        office_member=UserFactory(username="officer", name="周办事", department=office, clearance=SECRET),
    )


@pytest.fixture
def document(bureau):
    return document_create(drafter=bureau.drafter, title="关于加强值班管理的通知", doc_type="notice", body=BODY)


def items_on(target, **filters):
    """Work items on ``target`` (any status), oldest first."""
    return WorkItem.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk, **filters
    ).order_by("id")
