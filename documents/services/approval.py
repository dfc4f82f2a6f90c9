"""The approval chain (核稿 → 会签 → 审核 → 签发): submitting a draft and deciding its steps.

Submitting builds a new cycle of steps on the current version: ``review`` by the head of the drafting
department (left out when the drafter is that head), ``countersign`` by the people named, in
parallel (left out when none), ``office_review`` by the head of the office department, ``sign`` by
a leader. Every approver must be cleared for the document and is given need-to-know on it. The
approvers of the current step have an ``APPROVAL`` work item each; deciding closes it.

A decision binds to the version it was taken on: ``approve`` moves on (a 会签 step when all its
approvers approved; after the last step the document is ``approved``), ``return`` sends the
document back to ``revising`` (resubmitting starts a new cycle), ``reject`` ends it. The drafter is
told of every decision.

Locks: the document's row, then the approval's (``select_for_update``), always in this order, so
two approvers acting at once on one task, or on one step, never both succeed.
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import office_department
from accounts.models import User
from core.audit import audit_record
from core.enums import Classification
from core.errors import Conflict, PermissionDenied, ValidationError
from notifications import messages
from notifications.messages import msgid
from notifications.models import NotificationKind
from notifications.services import notification_create
from workload.models import WorkItemKind, WorkItemStatus
from workload.services import workitem_complete, workitem_open, workitems_open_for_target, workitems_settle_for_target

from .. import transitions
from ..models import (
    AccessReason,
    Approval,
    ApprovalStatus,
    ApprovalStep,
    Decision,
    Document,
    DocumentStatus,
    StepKind,
    StepStatus,
)
from .comments import blocking_reason, default_due_at
from .drafting import access_grant

MAX_OPINION = 5000
MAX_COUNTERSIGN = 50
# Decisions that must say why.
NEEDS_OPINION = frozenset({Decision.RETURN, Decision.REJECT})

# What the drafter is told (rendered in the reader's language; ``note`` is the approver's opinion).
messages.register(
    "document.decided",
    "%(title)s",
    gettext_lazy("%(name)s decided at %(step)s: %(decision)s."),
    translated=("step", "decision"),
)
messages.register(
    "document.approved",
    "%(title)s",
    gettext_lazy("Signed off by %(name)s; the document is approved and awaits issue."),
)


def _names(people: Sequence[User]) -> str:
    return "、".join(p.display_name for p in people)


def _index(document: Document) -> None:
    from ..search import index_document

    index_document(document)


# --- Submitting ---------------------------------------------------------------------------------


def _chain(
    *, document: Document, drafter: User, signer: User, countersign: Sequence[User]
) -> list[tuple[str, list[User]]]:
    """The steps of a new cycle, each with its approvers, checked; refusals name who and why."""
    fields: dict[str, list[str]] = {}
    steps: list[tuple[str, list[User]]] = []

    head = document.department.head
    if head is None or not head.is_active:
        fields.setdefault("department", []).append(
            _("%(department)s has no head to review the draft (核稿); ask an administrator to name one.")
            % {"department": document.department.name}
        )
    office = office_department()
    office_head = office.head if office is not None else None
    if office_head is None or not office_head.is_active:
        fields.setdefault("office", []).append(
            _("The office has no head to review the draft (审核); ask an administrator to name one.")
        )
    # 核稿: left out when the drafter heads the department, or when its head is the office's head
    # (the office's own drafts: one person does not check the same text twice in a row).
    if head is not None and head.is_active and head.pk != drafter.pk and head.pk != getattr(office_head, "pk", None):
        steps.append((StepKind.REVIEW, [head]))

    people: dict[int, User] = {}
    for person in countersign:
        people.setdefault(person.pk, person)
    if drafter.pk in people:
        fields.setdefault("countersign", []).append(_("You drafted this document; name others to countersign."))
    inactive = [p for p in people.values() if not p.is_active]
    if inactive:
        fields.setdefault("countersign", []).append(_("No longer active: %(names)s.") % {"names": _names(inactive)})
    if people:
        steps.append((StepKind.COUNTERSIGN, list(people.values())))

    # 审核: left out when the drafter is the office's head (they would check their own draft).
    if office_head is not None and office_head.is_active and office_head.pk != drafter.pk:
        steps.append((StepKind.OFFICE_REVIEW, [office_head]))

    if not signer.is_leader or not signer.is_active:
        fields.setdefault("signer", []).append(
            _("%(name)s is not a leader; a bureau leader signs off (签发).") % {"name": signer.display_name}
        )
    elif signer.pk == drafter.pk:
        fields.setdefault("signer", []).append(_("You drafted this document; another leader signs it off."))
    steps.append((StepKind.SIGN, [signer]))

    uncleared: dict[int, User] = {}
    for _kind, approvers in steps:
        for person in approvers:
            if not Classification.allows(person.clearance, document.classification):
                uncleared[person.pk] = person
    if uncleared:
        fields.setdefault("approvers", []).append(
            _("Not cleared for %(level)s material: %(names)s.")
            % {"level": Classification(document.classification).label, "names": _names(list(uncleared.values()))}
        )
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    return steps


def _open_tasks(step: ApprovalStep, document: Document, *, assigned_by: User | None) -> None:
    """The step becomes current: its approvals pending, each approver with a work item."""
    step.status = StepStatus.CURRENT
    step.save(update_fields=["status"])
    approvals = list(Approval.objects.filter(step=step).select_related("approver"))
    Approval.objects.filter(step=step).update(status=ApprovalStatus.PENDING)
    # DOMAIN.md C: a 会签 reply is due in 7 working days; the other steps have no fixed term.
    due_at = default_due_at() if step.kind == StepKind.COUNTERSIGN else None
    for approval in approvals:
        approval.status = ApprovalStatus.PENDING
        workitem_open(
            assignee=approval.approver,
            kind=WorkItemKind.APPROVAL,
            target=approval,
            title=document.title,
            due_at=due_at,
            urgency=document.urgency,
            classification=document.classification,
            assigned_by=assigned_by,
        )


def _revise_tasks(document: Document) -> Any:
    """The drafter's open "revise" items on the document (opened by the approver who returned it)."""
    return workitems_open_for_target(target=document, kind=WorkItemKind.TASK).filter(
        assignee_id=document.drafter_id, assigned_by__isnull=False
    )


@transaction.atomic
def document_submit(document: Document, *, by: User, signer: User, countersign: Sequence[User] = ()) -> Document:
    """The drafter submits the current version for approval (from ``draft`` or ``revising``): a new
    cycle of steps, the first one current. Refused while comments are still being collected or
    handled (409), or when an approver is not fit for the step (400, naming them)."""
    locked = Document.objects.select_for_update(of=("self",)).select_related("department__head").get(pk=document.pk)
    if locked.drafter_id != by.pk:
        raise PermissionDenied(_("Only the drafter submits the document for approval."), code="not_drafter")
    if not locked.is_editable:
        raise Conflict(
            _("The document is %(status)s; it can be submitted only while being drafted or revised.")
            % {"status": locked.get_status_display()},
            code="invalid_state",
        )
    blocked = blocking_reason(locked)
    if blocked:
        raise Conflict(blocked, code="comments_pending")
    if len(countersign) > MAX_COUNTERSIGN:
        raise ValidationError(
            _("Too many people to countersign."),
            fields={"countersign": [_("At most %(n)d people.") % {"n": MAX_COUNTERSIGN}]},
        )
    chain = _chain(document=locked, drafter=by, signer=signer, countersign=countersign)

    cycle = locked.cycle + 1
    # An earlier cycle's unfinished steps (there should be none: returning voids them) stay history.
    ApprovalStep.objects.filter(document=locked, status__in=[StepStatus.WAITING, StepStatus.CURRENT]).update(
        status=StepStatus.VOID
    )
    steps: list[ApprovalStep] = []
    for order, (kind, approvers) in enumerate(chain, start=1):
        step = ApprovalStep.objects.create(document=locked, cycle=cycle, order=order, kind=kind)
        Approval.objects.bulk_create([Approval(step=step, approver=person) for person in approvers])
        steps.append(step)
    everyone = {p.pk: p for _kind, approvers in chain for p in approvers}
    access_grant(document=locked, users=list(everyone.values()), reason=AccessReason.APPROVER)
    transitions.move(locked, DocumentStatus.AWAITING_APPROVAL, cycle=cycle, signer=None, signed_at=None)
    for item in _revise_tasks(locked):
        workitem_complete(item=item, outcome="resubmitted", actor=by)
    _open_tasks(steps[0], locked, assigned_by=by)
    audit_record(
        actor=by,
        verb="document.submit",
        target=locked,
        data={
            "cycle": cycle,
            "version": locked.version,
            "steps": [{"kind": kind, "approvers": [p.pk for p in approvers]} for kind, approvers in chain],
        },
    )
    _index(locked)
    return locked


# --- Deciding -----------------------------------------------------------------------------------


def _clean_decision(decision: str, opinion: str) -> str:
    if decision not in Decision.values:
        raise ValidationError(_("Choose approve, return or reject."), fields={"decision": [_("Choose a decision.")]})
    opinion = (opinion or "").strip()
    if decision in NEEDS_OPINION and not opinion:
        raise ValidationError(
            _("Say why: “%(decision)s” needs an opinion.") % {"decision": Decision(decision).label},
            fields={"opinion": [_("Write your opinion for the drafter.")]},
        )
    if len(opinion) > MAX_OPINION:
        raise ValidationError(
            _("The opinion is too long."), fields={"opinion": [_("At most %(n)d characters.") % {"n": MAX_OPINION}]}
        )
    return opinion


def _close_step(step: ApprovalStep, status: str, *, actor: User, outcome: str) -> None:
    """End ``step`` (returned or rejected) and the rest of its cycle: undecided approvals are void,
    their work items withdrawn."""
    step.status = status
    step.save(update_fields=["status"])
    ApprovalStep.objects.filter(document_id=step.document_id, cycle=step.cycle, status=StepStatus.WAITING).update(
        status=StepStatus.VOID
    )
    undecided = list(
        Approval.objects.filter(
            step__document_id=step.document_id,
            step__cycle=step.cycle,
            status__in=[ApprovalStatus.PENDING, ApprovalStatus.WAITING],
        )
    )
    Approval.objects.filter(pk__in=[a.pk for a in undecided]).update(status=ApprovalStatus.VOID)
    for approval in undecided:
        workitems_settle_for_target(target=approval, status=WorkItemStatus.CANCELLED, outcome=outcome, actor=actor)


def _tell_drafter(document: Document, approval: Approval, step: ApprovalStep, *, by: User) -> None:
    notification_create(
        recipient=User.objects.get(pk=document.drafter_id),
        kind=NotificationKind.INFO if approval.decision == Decision.APPROVE else NotificationKind.CHANGED,
        message="document.decided",
        params={
            "title": document.title,
            "name": by.display_name,
            "step": msgid(StepKind(step.kind).label),
            "decision": msgid(Decision(approval.decision).label),
            "note": approval.opinion,
        },
        classification=document.classification,
        target=document,
        actor=by,
    )


@transaction.atomic
def approval_decide(
    approval: Approval, *, by: User, decision: str, opinion: str = "", version: int | None = None
) -> Approval:
    """The approver decides their task on the current step, on the current version (``version``,
    when given, is the one they read: if the document changed since, the decision is refused)."""
    document_id = ApprovalStep.objects.filter(pk=approval.step_id).values_list("document_id", flat=True).get()
    document = Document.objects.select_for_update().get(pk=document_id)
    locked = Approval.objects.select_for_update().get(pk=approval.pk)
    step = ApprovalStep.objects.get(pk=locked.step_id)
    if locked.approver_id != by.pk:
        raise PermissionDenied(_("This approval is not yours to decide."), code="not_approver")
    if locked.status == ApprovalStatus.DECIDED:
        raise Conflict(
            _("You have already decided this (%(decision)s).") % {"decision": locked.get_decision_display()},
            code="already_decided",
        )
    if (
        locked.status != ApprovalStatus.PENDING
        or step.status != StepStatus.CURRENT
        or step.cycle != document.cycle
        or document.status != DocumentStatus.AWAITING_APPROVAL
    ):
        raise Conflict(_("This step is not the current one; there is nothing to decide now."), code="not_current")
    if version is not None and version != document.version:
        raise Conflict(
            _("The document is now at version %(n)d; read it again before deciding.") % {"n": document.version},
            code="stale_version",
        )
    opinion = _clean_decision(decision, opinion)

    now = timezone.now()
    locked.status, locked.decision, locked.opinion = ApprovalStatus.DECIDED, decision, opinion
    locked.version, locked.decided_at = document.version, now
    locked.save(update_fields=["status", "decision", "opinion", "version", "decided_at"])
    workitems_settle_for_target(target=locked, outcome=decision, actor=by)

    if decision == Decision.APPROVE:
        _advance(document, step, by=by)
    elif decision == Decision.RETURN:
        _close_step(step, StepStatus.RETURNED, actor=by, outcome="returned")
        transitions.move(document, DocumentStatus.REVISING)
        workitem_open(
            assignee=User.objects.get(pk=document.drafter_id),
            kind=WorkItemKind.TASK,
            target=document,
            title=_("Revise %(title)s") % {"title": document.title},
            urgency=document.urgency,
            classification=document.classification,
            assigned_by=by,
        )
    else:
        _close_step(step, StepStatus.REJECTED, actor=by, outcome="rejected")
        transitions.move(document, DocumentStatus.REJECTED)
    audit_record(
        actor=by,
        verb=f"document.approval_{decision}",
        target=document,
        data={
            "approval": locked.pk,
            "step": step.kind,
            "cycle": step.cycle,
            "version": document.version,
            "status": document.status,
        },
    )
    _tell_drafter(document, locked, step, by=by)
    _index(document)
    return locked


def _advance(document: Document, step: ApprovalStep, *, by: User) -> None:
    """After an approval: the step is done when all its approvers approved; then the next step is
    current, or, after the last, the document is approved and signed off."""
    if Approval.objects.filter(step=step).exclude(status=ApprovalStatus.DECIDED).exists():
        return  # 会签: others of this step have still to decide
    step.status = StepStatus.DONE
    step.save(update_fields=["status"])
    following = (
        ApprovalStep.objects.filter(document=document, cycle=step.cycle, order__gt=step.order).order_by("order").first()
    )
    if following is not None:
        _open_tasks(following, document, assigned_by=None)
        return
    transitions.move(document, DocumentStatus.APPROVED, signer=by, signed_at=timezone.now())
    audit_record(actor=by, verb="document.approve", target=document, data={"cycle": step.cycle, "signer": by.pk})
    notification_create(
        recipient=User.objects.get(pk=document.drafter_id),
        kind=NotificationKind.INFO,
        message="document.approved",
        params={"title": document.title, "name": by.display_name},
        classification=document.classification,
        target=document,
        actor=by,
    )
