"""Reads of documents, filtered to what the requesting person may see.

The rule (DESIGN.md, Classification): a person sees a document only when cleared for its
classification, and then only with a need to know: its drafter, the head of the drafting
department, the people routed on it (reviewers, approvers, recipients' heads, packet readers:
``DocumentAccess``), and the office. Once issued, an internal document also reaches the members of
its recipient departments and a public one everyone. Leaders are routed like anyone else: a leader
who was never asked does not see a secret draft. Administrators administer people, not content.

``document_visibility`` and ``incoming_visibility`` are the two rules; ``documents.apps`` registers
them (and the rules of the rows derived from them) with the ledger, which asks them for every work
item, notification, e-mail, robot message, search hit and admin page about a document.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from accounts.access import headed_department_ids, is_office_member
from core.enums import Classification
from core.models import Attachment

from .models import (
    Approval,
    ApprovalStatus,
    ApprovalStep,
    CommentRequest,
    CommentRound,
    Distribution,
    Document,
    DocumentAccess,
    DocumentStatus,
    DocumentVersion,
    IncomingAccess,
    IncomingDocument,
    Opinion,
    Reading,
    ReadingPacket,
    StepKind,
)

ISSUED_STATES = (DocumentStatus.ISSUED, DocumentStatus.ARCHIVED)


def _cleared(user: Any) -> Q:
    return Q(classification__in=Classification.up_to(getattr(user, "clearance", Classification.PUBLIC)))


def document_visibility(user: Any, *, per_row: bool = False) -> Q:
    """The condition a document must meet to be visible to ``user`` (the one rule).

    ``per_row`` words the same rule for checking a few given documents (the documents of a
    person's own approvals or 签收 items): the routing rows are looked up per document (a correlated
    EXISTS on their (user, document) and (department, document) indexes) instead of being listed
    once, which a list over all documents wants but which grows with the person's history.
    """
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    cleared = _cleared(user)
    if is_office_member(user):
        return cleared

    def among(rows: QuerySet[Any]) -> Q:
        if per_row:
            return Q(Exists(rows.filter(document=OuterRef("pk"))))
        return Q(pk__in=rows.values("document_id"))

    need = (
        Q(drafter=user)
        | among(DocumentAccess.objects.filter(user=user))
        | Q(status__in=ISSUED_STATES, classification=Classification.PUBLIC)
    )
    headed = headed_department_ids(user)
    if headed:
        need |= Q(department__in=headed)
    if user.department_id is not None:
        recipient_of = among(Distribution.objects.filter(department_id=user.department_id))
        need |= recipient_of & Q(status__in=ISSUED_STATES, classification=Classification.INTERNAL)
    return cleared & need


def documents_visible(*, user: Any) -> QuerySet[Document]:
    return Document.objects.filter(document_visibility(user))


def _document_seen(user: Any, path: str) -> Exists:
    """Rows derived from a document (``path`` leads to its id) follow the document's rule.

    A correlated EXISTS rather than ``IN (visible ids)``: a person's own rows (their approvals,
    their 签收 items) are found by their own index and each checked against the rule, instead of
    the rule's every visible document being listed first.
    """
    return Exists(Document.objects.filter(document_visibility(user, per_row=True), pk=OuterRef(path)))


def document_list(*, user: Any) -> QuerySet[Document]:
    """Visible documents, newest first (``-id``: keyset pages at constant cost); narrowed by
    ``documents.filters.DocumentFilter``."""
    return documents_visible(user=user).select_related("drafter", "department").order_by("-id")


def document_get(*, user: Any, pk: int) -> Document:
    """One visible document with what its page needs, or 404."""
    document = (
        documents_visible(user=user)
        .select_related("drafter", "department", "signer", "issued_by", "issuing_department")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    return document


def document_steps(*, document: Document, cycle: int | None = None) -> list[ApprovalStep]:
    """The approval steps of a cycle (the current one by default) with their approvals."""
    approvals = Approval.objects.select_related("approver").order_by("id")
    return list(
        ApprovalStep.objects.filter(document=document, cycle=document.cycle if cycle is None else cycle)
        .prefetch_related(Prefetch("approvals", queryset=approvals))
        .order_by("order")
    )


def document_versions(*, document: Document) -> QuerySet[DocumentVersion]:
    return DocumentVersion.objects.filter(document=document).select_related("author").order_by("number")


def document_version_get(*, document: Document, number: int) -> DocumentVersion:
    version = DocumentVersion.objects.filter(document=document, number=number).first()
    if version is None:
        raise Http404
    return version


def document_rounds(*, document: Document) -> list[CommentRound]:
    """Every comment round with its requests, reviewers and opinions (the 意见汇总表's rows)."""
    requests = CommentRequest.objects.select_related(
        "reviewer", "department", "delegate", "answered_by"
    ).prefetch_related(
        Prefetch("opinions", queryset=Opinion.objects.select_related("handled_by").order_by("order", "id"))
    )
    return list(
        CommentRound.objects.filter(document=document)
        .select_related("created_by")
        .prefetch_related(Prefetch("requests", queryset=requests.order_by("id")))
        .order_by("number")
    )


# --- Rows derived from a document: each follows the document's rule -------------------------------


def comment_requests_visible(*, user: Any) -> QuerySet[CommentRequest]:
    return CommentRequest.objects.filter(_document_seen(user, "round__document_id"))


def comment_request_get(*, user: Any, pk: int) -> CommentRequest:
    request = (
        comment_requests_visible(user=user)
        .select_related("round__document", "reviewer", "department", "delegate")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    return request


def comment_round_get(*, user: Any, pk: int) -> CommentRound:
    found = CommentRound.objects.filter(_document_seen(user, "document_id"), pk=pk).select_related("document").first()
    if found is None:
        raise Http404
    return found


def opinion_get(*, user: Any, pk: int) -> Opinion:
    found = (
        Opinion.objects.filter(_document_seen(user, "request__round__document_id"), pk=pk)
        .select_related("request__round__document")
        .first()
    )
    if found is None:
        raise Http404
    return found


def approvals_visible(*, user: Any) -> QuerySet[Approval]:
    return Approval.objects.filter(_document_seen(user, "step__document_id"))


def approval_get(*, user: Any, pk: int) -> Approval:
    found = approvals_visible(user=user).select_related("step__document", "approver").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def approval_queue(*, user: Any) -> QuerySet[Approval]:
    """The person's own approval tasks that are current (pending), oldest first."""
    return (
        approvals_visible(user=user)
        .filter(approver=user, status=ApprovalStatus.PENDING)
        .select_related("step__document__drafter", "step__document__department")
        .order_by("id")
    )


def distribution_visibility(user: Any) -> Q:
    """A distribution follows its document's rule and is, besides, a department's own business:
    the office, the document's drafter and drafting department's head see every one; anyone else
    only those to their own (or headed) department, or addressed to them."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    visible = Q(_document_seen(user, "document_id"))
    if is_office_member(user):
        return visible
    headed = headed_department_ids(user)
    own = Q(recipient=user) | Q(document__drafter=user) | Q(department__in=headed) | Q(document__department__in=headed)
    if user.department_id is not None:
        own |= Q(department_id=user.department_id)
    return visible & own


def distributions_visible(*, user: Any) -> QuerySet[Distribution]:
    return Distribution.objects.filter(distribution_visibility(user))


def distribution_get(*, user: Any, pk: int) -> Distribution:
    found = (
        distributions_visible(user=user)
        .select_related(
            "document__department", "document__issuing_department", "department", "recipient", "received_by"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def my_distributions(*, user: Any) -> QuerySet[Distribution]:
    """The 签收 items addressed to the person (待我签收的 when narrowed to ``pending``), newest first."""
    return (
        distributions_visible(user=user).filter(recipient=user).select_related("document", "department").order_by("-id")
    )


def document_distributions(*, user: Any, document: Document) -> list[Distribution]:
    """The distributions of ``document`` the person may see, in the order of the 主送/抄送 lists."""
    return list(
        distributions_visible(user=user)
        .filter(document=document)
        .select_related("department", "recipient", "received_by")
        .order_by("kind", "department__order", "department_id")
    )


def own_copy(*, user: Any, document: Document) -> Distribution | None:
    """The numbered copy (份号) of ``document`` that the person's department holds: addressed to
    them, to their department or to one they head; None for the office (it holds the file copy),
    for everyone else, and when the document's copies are not numbered. ``document`` is one the
    person may see."""
    if not document.copy_number or not getattr(user, "is_authenticated", False) or is_office_member(user):
        return None
    held = Q(recipient=user) | Q(department__in=headed_department_ids(user))
    if user.department_id is not None:
        held |= Q(department_id=user.department_id)
    return (
        Distribution.objects.filter(held, document=document, copy_number__isnull=False).order_by("copy_number").first()
    )


def issuing_queue(*, user: Any) -> QuerySet[Document]:
    """Approved documents waiting to be issued, oldest first (the office's queue)."""
    return (
        documents_visible(user=user)
        .filter(status=DocumentStatus.APPROVED)
        .select_related("drafter", "department", "signer")
        .order_by("updated_at", "id")
    )


def document_by_code(*, code: str) -> Document:
    """The issued document a verification code names (the public verification page), or 404."""
    found = (
        Document.objects.filter(verification_code=code, status__in=ISSUED_STATES)
        .select_related("issuing_department")
        .first()
    )
    if found is None:
        raise Http404
    return found


def document_copy_sha256(*, document: Document, number: int) -> str | None:
    """The SHA-256 of copy ``number`` of an issued document (the public verification page: a copy
    names its number, never its holder); None when it has no such copy."""
    if number == document.copy_number:
        return document.pdf_sha256
    return (
        Distribution.objects.filter(document=document, copy_number=number).values_list("copy_sha256", flat=True).first()
    )


def document_copy_matching(*, document: Document, sha256: str) -> int | None:
    """The 份号 of the copy of ``document`` whose signed PDF has ``sha256``, if a distribution's."""
    return (
        Distribution.objects.filter(document=document, copy_sha256=sha256, copy_number__isnull=False)
        .values_list("copy_number", flat=True)
        .first()
    )


# --- Incoming documents ---------------------------------------------------------------------------


def incoming_visibility(user: Any) -> Q:
    """Cleared for its classification, and the office, or a person routed on it (the leader asked
    to instruct, the readers, the lead department's head: ``IncomingAccess``)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    cleared = _cleared(user)
    if is_office_member(user):
        return cleared
    return cleared & Q(pk__in=IncomingAccess.objects.filter(user=user).values("incoming_id"))


def incoming_visible(*, user: Any) -> QuerySet[IncomingDocument]:
    return IncomingDocument.objects.filter(incoming_visibility(user))


def incoming_list(*, user: Any) -> QuerySet[IncomingDocument]:
    """The 收文登记簿: visible incoming documents, newest first."""
    return incoming_visible(user=user).select_related("registered_by", "leader", "lead_department").order_by("-id")


def incoming_get(*, user: Any, pk: int) -> IncomingDocument:
    found = (
        incoming_visible(user=user)
        .select_related("registered_by", "proposed_by", "leader", "lead_department", "matter")
        .prefetch_related(Prefetch("readings", queryset=Reading.objects.select_related("reader", "sent_by")))
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def readings_visible(*, user: Any) -> QuerySet[Reading]:
    return Reading.objects.filter(Exists(incoming_visible(user=user).filter(pk=OuterRef("incoming_id"))))


def reading_get(*, user: Any, pk: int) -> Reading:
    found = readings_visible(user=user).select_related("incoming", "reader").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- Reading packets ------------------------------------------------------------------------------


def packet_visibility(user: Any) -> Q:
    """The compiler, the leader it is for, and the office; cleared for its highest classification."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    cleared = _cleared(user)
    if is_office_member(user):
        return cleared
    return cleared & (Q(leader=user) | Q(compiled_by=user))


def packets_visible(*, user: Any) -> QuerySet[ReadingPacket]:
    return ReadingPacket.objects.filter(packet_visibility(user))


# --- Files ----------------------------------------------------------------------------------------


def attachment_get(*, user: Any, pk: int) -> Attachment:
    """A file of a document, an incoming document or a reading packet the person may see, or 404."""
    attachment = Attachment.objects.filter(pk=pk).select_related("owner_type").first()
    if attachment is None:
        raise Http404
    owners = {
        Document: documents_visible,
        IncomingDocument: incoming_visible,
        ReadingPacket: packets_visible,
    }
    model = attachment.owner_type.model_class()
    visible = owners.get(model) if model is not None else None
    if visible is None or not visible(user=user).filter(pk=attachment.owner_id).exists():
        raise Http404
    return attachment


# --- For the dashboards (workload.processes) ---------------------------------------------------------------
def approval_step_of_item() -> Any:
    """On a work item whose target is an approval: the kind of the approval's step (a subquery)."""
    return Subquery(Approval.objects.filter(pk=OuterRef("target_id")).values("step__kind")[:1])


def approval_step_labels() -> list[tuple[str, str]]:
    """The approval chain's steps in order: 核稿, 会签, 审核, 签发."""
    return [(value, str(label)) for value, label in StepKind.choices]
