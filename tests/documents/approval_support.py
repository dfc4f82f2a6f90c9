"""Shared set-up of the approval tests (tests/documents/test_approval_*.py).

The comment tests' bureau (``comments_support``) with what the chain needs: a head of the office
(审核), two leaders (one cleared only for internal material), and a draft notice ready to submit.
"""

from dataclasses import dataclass
from typing import Any

import pytest

from documents.models import Approval, ApprovalStatus, StepKind
from documents.services.approval import approval_decide, document_submit
from tests.documents import comments_support
from tests.documents.comments_support import SECRET
from tests.factories import DepartmentFactory, LeaderFactory, OfficeFactory, UserFactory

bureau, document, monday = comments_support.bureau, comments_support.document, comments_support.monday


@dataclass
class Chain:
    office_head: Any
    leader: Any  # cleared for secret material
    internal_leader: Any  # a leader cleared for internal material only
    countersigner: Any  # 法规处's head
    other_countersigner: Any


@pytest.fixture
def chain(bureau) -> Chain:
    office = OfficeFactory()
    office_head = UserFactory(username="office_head", name="陈主任", department=office, clearance=SECRET)
    office.head = office_head
    office.save()
    leaders = DepartmentFactory(code="leaders", name="局领导")
    return Chain(
        office_head=office_head,
        leader=LeaderFactory(username="leader", name="王局长", department=leaders, clearance=SECRET),
        internal_leader=LeaderFactory(username="leader2", name="杨副局长", department=leaders),
        countersigner=bureau.legal_head,
        other_countersigner=UserFactory(
            username="finance_head", name="孙财务", department=DepartmentFactory(code="finance"), clearance=SECRET
        ),
    )


def submit(document, bureau, chain, countersign=()):
    return document_submit(document, by=bureau.drafter, signer=chain.leader, countersign=list(countersign))


def pending(person, document=None):
    """``person``'s current approval (of ``document``, if given)."""
    found = Approval.objects.filter(approver=person, status=ApprovalStatus.PENDING)
    if document is not None:
        found = found.filter(step__document=document)
    return found.select_related("step").get()


def approve(person, document=None, opinion=""):
    return approval_decide(pending(person, document), by=person, decision="approve", opinion=opinion)


def kinds(document):
    """The current cycle's steps as (kind, [approver usernames])."""
    from documents.selectors import document_steps

    document.refresh_from_db()
    return [(s.kind, [a.approver.username for a in s.approvals.all()]) for s in document_steps(document=document)]


ALL_KINDS = [StepKind.REVIEW, StepKind.COUNTERSIGN, StepKind.OFFICE_REVIEW, StepKind.SIGN]
