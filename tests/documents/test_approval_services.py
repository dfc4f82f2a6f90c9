"""The approval chain's services: the shapes of the chain, every transition (approve, 会签 in
parallel, return → revise → resubmit, reject, the last approval), and every refusal, with the work
items, need-to-know, notifications and audit events each one leaves."""

import pytest

from core.audit import AuditEvent
from core.errors import Conflict, PermissionDenied, ValidationError
from documents.models import (
    AccessReason,
    Approval,
    ApprovalStatus,
    ApprovalStep,
    DocumentAccess,
    DocumentStatus,
    StepKind,
    StepStatus,
)
from documents.selectors import approval_queue, documents_visible
from documents.services.approval import approval_decide, document_submit
from documents.services.comments import comment_request_respond, comment_round_open, opinion_handle
from documents.services.drafting import document_create, document_update
from notifications.models import Notification
from tests.documents import approval_support
from tests.documents.approval_support import approve, kinds, pending, submit
from tests.documents.comments_support import items_on
from tests.factories import UserFactory
from workload.models import WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db

bureau, document, monday, chain = (
    approval_support.bureau,
    approval_support.document,
    approval_support.monday,
    approval_support.chain,
)


# --- The shape of the chain -------------------------------------------------------------------------


def test_the_full_chain_head_countersign_office_leader(document, bureau, chain):
    submitted = submit(document, bureau, chain, countersign=[chain.countersigner, chain.other_countersigner])
    assert submitted.status == DocumentStatus.AWAITING_APPROVAL
    assert submitted.cycle == 1
    assert kinds(document) == [
        (StepKind.REVIEW, ["head"]),
        (StepKind.COUNTERSIGN, ["legal_head", "finance_head"]),
        (StepKind.OFFICE_REVIEW, ["office_head"]),
        (StepKind.SIGN, ["leader"]),
    ]
    steps = list(ApprovalStep.objects.filter(document=document).order_by("order"))
    assert [s.status for s in steps] == [StepStatus.CURRENT] + [StepStatus.WAITING] * 3
    # Only the current step's approver has a task (and a work item); the others wait.
    assert list(approval_queue(user=bureau.head)) == [pending(bureau.head)]
    assert not approval_queue(user=chain.leader).exists()
    item = items_on(pending(bureau.head)).get()
    assert (item.kind, item.assignee, item.status) == (WorkItemKind.APPROVAL, bureau.head, WorkItemStatus.OPEN)
    # Every approver is given need-to-know at once, so each can read the draft.
    approvers = [bureau.head, chain.countersigner, chain.other_countersigner, chain.office_head, chain.leader]
    for person in approvers:
        assert DocumentAccess.objects.get(document=document, user=person).reason in {
            AccessReason.APPROVER,
            AccessReason.REVIEWER,
        }
        assert documents_visible(user=person).filter(pk=document.pk).exists()
    event = AuditEvent.objects.filter(verb="document.submit").get()
    assert event.data["cycle"] == 1 and event.data["version"] == 1


def test_no_countersign_step_when_nobody_is_named(document, bureau, chain):
    submit(document, bureau, chain)
    assert [k for k, _who in kinds(document)] == [StepKind.REVIEW, StepKind.OFFICE_REVIEW, StepKind.SIGN]


def test_no_review_step_when_the_drafter_heads_the_department(bureau, chain):
    own = document_create(drafter=bureau.head, title="处长起草的通知", doc_type="notice", body="正文")
    document_submit(own, by=bureau.head, signer=chain.leader)
    assert [k for k, _who in kinds(own)] == [StepKind.OFFICE_REVIEW, StepKind.SIGN]


def test_the_office_drafts_reviewed_once_by_its_head(bureau, chain):
    # The office's own draft: its head is both 核稿 and 审核; he checks it once.
    own = document_create(drafter=bureau.office_member, title="办公室的通知", doc_type="notice", body="正文")
    document_submit(own, by=bureau.office_member, signer=chain.leader)
    assert kinds(own) == [(StepKind.OFFICE_REVIEW, ["office_head"]), (StepKind.SIGN, ["leader"])]


# --- Moving along -----------------------------------------------------------------------------------


def test_approving_every_step_approves_the_document(document, bureau, chain):
    submit(document, bureau, chain, countersign=[chain.countersigner, chain.other_countersigner])
    approve(bureau.head)
    assert pending(chain.countersigner) and pending(chain.other_countersigner)  # parallel
    approve(chain.countersigner)
    # One of two countersigners: the step waits for the other; the office has nothing yet.
    assert ApprovalStep.objects.get(document=document, kind=StepKind.COUNTERSIGN).status == StepStatus.CURRENT
    assert not Approval.objects.filter(approver=chain.office_head, status=ApprovalStatus.PENDING).exists()
    approve(chain.other_countersigner)
    approve(chain.office_head)
    decided = approve(chain.leader, opinion="同意印发")
    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED
    assert document.signer == chain.leader and document.signed_at is not None
    assert decided.version == 1 and decided.opinion == "同意印发"
    assert set(ApprovalStep.objects.filter(document=document).values_list("status", flat=True)) == {StepStatus.DONE}
    # Every approver's work item is done; nobody has an open one left.
    for approval in Approval.objects.filter(step__document=document):
        assert items_on(approval).get().status == WorkItemStatus.DONE
    # The drafter is told of each decision and of the sign-off.
    told = Notification.objects.filter(recipient=bureau.drafter, message__startswith="document.")
    assert told.filter(message="document.decided").count() == 5
    assert told.filter(message="document.approved").count() == 1
    verbs = list(AuditEvent.objects.filter(verb__startswith="document.approv").values_list("verb", flat=True))
    assert verbs.count("document.approval_approve") == 5 and "document.approve" in verbs


def test_return_sends_it_back_and_resubmitting_starts_a_new_cycle_on_the_new_version(document, bureau, chain):
    submit(document, bureau, chain, countersign=[chain.countersigner, chain.other_countersigner])
    approve(bureau.head)
    approve(chain.countersigner)
    returned = approval_decide(
        pending(chain.other_countersigner), by=chain.other_countersigner, decision="return", opinion="经费来源不明确"
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.REVISING
    assert returned.decision == "return"
    assert ApprovalStep.objects.get(document=document, kind=StepKind.COUNTERSIGN).status == StepStatus.RETURNED
    later = ApprovalStep.objects.filter(document=document, kind__in=[StepKind.OFFICE_REVIEW, StepKind.SIGN])
    assert set(later.values_list("status", flat=True)) == {StepStatus.VOID}
    # The drafter has a "revise" task from the approver who returned it, with the opinion told.
    revise = items_on(document, kind=WorkItemKind.TASK).get()
    assert revise.assignee == bureau.drafter and revise.assigned_by == chain.other_countersigner
    note = Notification.objects.filter(recipient=bureau.drafter, message="document.decided").latest("id")
    assert note.params["note"] == "经费来源不明确"

    document_update(document=document, actor=bureau.drafter, body="一、总体要求\n明确经费来源。")
    resubmitted = submit(document, bureau, chain, countersign=[chain.countersigner])
    assert resubmitted.cycle == 2 and resubmitted.version == 2
    assert items_on(document, kind=WorkItemKind.TASK).get().status == WorkItemStatus.DONE
    assert [k for k, _who in kinds(document)] == [
        StepKind.REVIEW,
        StepKind.COUNTERSIGN,
        StepKind.OFFICE_REVIEW,
        StepKind.SIGN,
    ]
    # The first cycle stays as history; decisions of the new one bind to version 2.
    assert ApprovalStep.objects.filter(document=document, cycle=1).count() == 4
    assert approve(bureau.head, document).version == 2


def test_reject_ends_it(document, bureau, chain):
    submit(document, bureau, chain)
    approve(bureau.head)
    approval_decide(pending(chain.office_head), by=chain.office_head, decision="reject", opinion="不符合行文规则")
    document.refresh_from_db()
    assert document.status == DocumentStatus.REJECTED
    assert ApprovalStep.objects.get(document=document, kind=StepKind.SIGN).status == StepStatus.VOID
    assert not Approval.objects.filter(step__document=document, status=ApprovalStatus.PENDING).exists()
    with pytest.raises(Conflict):
        submit(document, bureau, chain)


def test_a_return_in_countersign_withdraws_the_other_parallel_task(document, bureau, chain):
    submit(document, bureau, chain, countersign=[chain.countersigner, chain.other_countersigner])
    approve(bureau.head)
    other = pending(chain.other_countersigner)
    approval_decide(pending(chain.countersigner), by=chain.countersigner, decision="return", opinion="请修改")
    other.refresh_from_db()
    assert other.status == ApprovalStatus.VOID
    assert items_on(other).get().status == WorkItemStatus.CANCELLED
    with pytest.raises(Conflict) as refused:
        approval_decide(other, by=chain.other_countersigner, decision="approve")
    assert refused.value.code == "not_current"


# --- Refusals -----------------------------------------------------------------------------------------


def test_only_the_drafter_submits(document, bureau, chain):
    with pytest.raises(PermissionDenied):
        document_submit(document, by=bureau.head, signer=chain.leader)


def test_submitting_twice_is_refused(document, bureau, chain):
    submit(document, bureau, chain)
    with pytest.raises(Conflict) as refused:
        submit(document, bureau, chain)
    assert refused.value.code == "invalid_state"


def test_an_open_round_or_an_unhandled_point_blocks_submitting(document, bureau, chain):
    round_ = comment_round_open(document=document, actor=bureau.drafter, reviewers=[bureau.reviewer])
    with pytest.raises(Conflict) as refused:
        submit(document, bureau, chain)
    assert refused.value.code == "comments_pending"
    request = round_.requests.get()
    comment_request_respond(request=request, actor=bureau.reviewer, stance="disagree", opinions=[{"text": "删去"}])
    with pytest.raises(Conflict) as refused:
        submit(document, bureau, chain)
    assert refused.value.code == "comments_pending" and "1" in refused.value.message
    opinion_handle(opinion=request.opinions.get(), actor=bureau.drafter, handling="not_adopted", note="必须保留")
    assert submit(document, bureau, chain).status == DocumentStatus.AWAITING_APPROVAL
    assert not ApprovalStep.objects.filter(document=document, cycle=0).exists()


def test_the_signer_must_be_a_leader(document, bureau, chain):
    with pytest.raises(ValidationError) as refused:
        document_submit(document, by=bureau.drafter, signer=bureau.reviewer)
    assert "signer" in refused.value.fields
    assert bureau.reviewer.display_name in refused.value.fields["signer"][0]
    assert not ApprovalStep.objects.filter(document=document).exists()


def test_an_approver_not_cleared_is_named(bureau, chain):
    secret = document_create(
        drafter=bureau.drafter, title="秘密通知", doc_type="notice", body="正文", classification="secret"
    )
    with pytest.raises(ValidationError) as refused:
        document_submit(secret, by=bureau.drafter, signer=chain.internal_leader, countersign=[bureau.uncleared])
    problem = refused.value.fields["approvers"][0]
    assert chain.internal_leader.display_name in problem and bureau.uncleared.display_name in problem
    secret.refresh_from_db()
    assert secret.status == DocumentStatus.DRAFT
    assert not DocumentAccess.objects.filter(document=secret, user=bureau.uncleared).exists()


def test_the_drafter_cannot_countersign_and_inactive_people_are_refused(document, bureau, chain):
    with pytest.raises(ValidationError) as refused:
        submit(document, bureau, chain, countersign=[bureau.drafter])
    assert "countersign" in refused.value.fields
    gone = UserFactory(username="gone", department=bureau.legal, is_active=False)
    with pytest.raises(ValidationError):
        submit(document, bureau, chain, countersign=[gone])


def test_no_office_head_is_a_clear_refusal(document, bureau, chain):
    office = chain.office_head.department
    office.head = None
    office.save()
    with pytest.raises(ValidationError) as refused:
        submit(document, bureau, chain)
    assert "office" in refused.value.fields


def test_wrong_person_not_current_and_already_decided(document, bureau, chain):
    submit(document, bureau, chain)
    head_task = pending(bureau.head)
    with pytest.raises(PermissionDenied):
        approval_decide(head_task, by=chain.leader, decision="approve")
    sign_task = Approval.objects.get(step__document=document, step__kind=StepKind.SIGN)
    with pytest.raises(Conflict) as refused:
        approval_decide(sign_task, by=chain.leader, decision="approve")
    assert refused.value.code == "not_current"
    approval_decide(head_task, by=bureau.head, decision="approve")
    with pytest.raises(Conflict) as refused:
        approval_decide(head_task, by=bureau.head, decision="approve")
    assert refused.value.code == "already_decided"
    assert AuditEvent.objects.filter(verb="document.approval_approve").count() == 1


def test_an_opinion_is_required_to_return_or_reject_and_decisions_are_checked(document, bureau, chain):
    submit(document, bureau, chain)
    task = pending(bureau.head)
    for decision in ("return", "reject"):
        with pytest.raises(ValidationError) as refused:
            approval_decide(task, by=bureau.head, decision=decision, opinion="  ")
        assert "opinion" in refused.value.fields
    with pytest.raises(ValidationError):
        approval_decide(task, by=bureau.head, decision="maybe")
    with pytest.raises(ValidationError):
        approval_decide(task, by=bureau.head, decision="approve", opinion="长" * 5001)
    task.refresh_from_db()
    assert task.status == ApprovalStatus.PENDING


def test_a_decision_binds_to_the_version_read(document, bureau, chain):
    submit(document, bureau, chain)
    with pytest.raises(Conflict) as refused:
        approval_decide(pending(bureau.head), by=bureau.head, decision="approve", version=7)
    assert refused.value.code == "stale_version"
    assert approval_decide(pending(bureau.head), by=bureau.head, decision="approve", version=1).version == 1
