"""The approval chain under real concurrency (PostgreSQL, threads on their own connections): one
task decided by several requests at once has exactly one winner, the rest 409; two countersigners
approving at the same moment both count and the next step opens once."""

import pytest
from django.db import connection

from core.errors import Conflict
from documents.models import Approval, ApprovalStatus, ApprovalStep, StepKind, StepStatus
from documents.services.approval import approval_decide
from tests.documents import approval_support
from tests.documents.approval_support import approve, pending, submit
from tests.documents.comments_support import items_on
from tests.reliability.support import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

bureau, document, monday, chain = (
    approval_support.bureau,
    approval_support.document,
    approval_support.monday,
    approval_support.chain,
)

THREADS = 6


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks): DATABASE_URL=postgres://... pytest tests/documents")


def attempt(call):
    def job():
        try:
            call()
        except Conflict as refused:
            return refused.code
        return "ok"

    return job


@pytest.mark.parametrize("decisions", [["approve"] * THREADS, ["approve", "return", "reject"] * (THREADS // 3)])
def test_one_task_decided_at_once_has_one_winner(document, bureau, chain, decisions):
    submit(document, bureau, chain)
    task = pending(bureau.head)
    jobs = [attempt(lambda d=d: approval_decide(task, by=bureau.head, decision=d, opinion="意见")) for d in decisions]
    outcomes = run_together(*jobs)
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} == {"already_decided"}
    task.refresh_from_db()
    assert task.status == ApprovalStatus.DECIDED
    assert items_on(task).count() == 1
    from core.audit import AuditEvent

    assert AuditEvent.objects.filter(verb__startswith="document.approval_", data__approval=task.pk).count() == 1


def test_parallel_countersigners_at_once_both_count_and_the_office_gets_one_task(document, bureau, chain):
    submit(document, bureau, chain, countersign=[chain.countersigner, chain.other_countersigner])
    approve(bureau.head)
    first, second = pending(chain.countersigner), pending(chain.other_countersigner)
    outcomes = run_together(
        attempt(lambda: approval_decide(first, by=chain.countersigner, decision="approve")),
        attempt(lambda: approval_decide(second, by=chain.other_countersigner, decision="approve")),
    )
    assert outcomes == ["ok", "ok"]
    assert ApprovalStep.objects.get(document=document, kind=StepKind.COUNTERSIGN).status == StepStatus.DONE
    office = Approval.objects.get(step__document=document, step__kind=StepKind.OFFICE_REVIEW)
    assert office.status == ApprovalStatus.PENDING
    assert items_on(office).count() == 1


def test_a_return_racing_a_parallel_approval_never_leaves_the_chain_half_moved(document, bureau, chain):
    submit(document, bureau, chain, countersign=[chain.countersigner, chain.other_countersigner])
    approve(bureau.head)
    first, second = pending(chain.countersigner), pending(chain.other_countersigner)
    outcomes = run_together(
        attempt(lambda: approval_decide(first, by=chain.countersigner, decision="approve")),
        attempt(lambda: approval_decide(second, by=chain.other_countersigner, decision="return", opinion="请修改")),
    )
    document.refresh_from_db()
    assert document.status == "revising"
    assert outcomes[1] == "ok"
    # The approval either went first (and is recorded) or found the step returned (409).
    assert outcomes[0] in {"ok", "not_current"}
    assert not Approval.objects.filter(step__document=document, status=ApprovalStatus.PENDING).exists()
