"""Reads of the approval chain: a person's approval tasks, the queue's rows with their 意见汇总表
counts and the changes since the approver last looked, and a document's decisions.

The rows follow their document's rule (``selectors.approvals_visible``); a document's own reads take
a document the caller has already fetched through ``selectors.document_get``.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.safestring import SafeString

from . import body as body_text
from . import selectors
from .models import (
    Approval,
    ApprovalStatus,
    CommentRequest,
    Document,
    DocumentAccess,
    DocumentVersion,
    Handling,
    Opinion,
    Stance,
)

QUEUE_LIMIT = 100


def my_approvals(*, user: Any, status: str | None = None) -> QuerySet[Approval]:
    """``user``'s own approval tasks (``pending``: the current ones), with their step and document."""
    approvals = (
        selectors.approvals_visible(user=user)
        .filter(approver=user)
        .select_related("step__document", "approver")
        .order_by("-id")
    )
    if status:
        approvals = approvals.filter(status=status)
    return approvals


def document_decisions(*, document: Document) -> list[Approval]:
    """Every decision taken on the document, in every cycle, in the order taken (the timeline)."""
    return list(
        Approval.objects.filter(step__document=document, status=ApprovalStatus.DECIDED)
        .select_related("step", "approver")
        .order_by("decided_at", "id")
    )


def _version_text(version: DocumentVersion) -> str:
    return version.title + "\n" + body_text.plain_text(version.body)


def changes_since(*, seen: int | None, current: int, versions: dict[int, DocumentVersion]) -> SafeString | None:
    """The changes, marked by character, from the version last seen to the current one; None when
    there is nothing to compare (never seen, or nothing new)."""
    if seen is None or seen >= current or seen not in versions or current not in versions:
        return None
    return body_text.diff_html(body_text.diff(_version_text(versions[seen]), _version_text(versions[current])))


@dataclass
class QueueRow:
    """One pending task of the queue with what the approver reads before opening it."""

    approval: Approval
    unhandled: int
    disagreements: int
    seen_version: int | None
    changes: SafeString | None

    @property
    def document(self) -> Document:
        return self.approval.step.document


def _counts_by_document(document_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Per document: opinion points not yet handled, and 不同意 answers not all adopted."""
    unhandled = dict(
        Opinion.objects.filter(request__round__document_id__in=document_ids, handling="")
        .values_list("request__round__document_id")
        .annotate(n=Count("id"))
        .values_list("request__round__document_id", "n")
    )
    not_adopted = Opinion.objects.filter(request=OuterRef("pk")).exclude(handling=Handling.ADOPTED)
    disagreements = dict(
        CommentRequest.objects.filter(round__document_id__in=document_ids, stance=Stance.DISAGREE)
        .filter(Exists(not_adopted))
        .values_list("round__document_id")
        .annotate(n=Count("id"))
        .values_list("round__document_id", "n")
    )
    return unhandled, disagreements


def seen_versions(*, user: Any, document_ids: list[int]) -> dict[int, int | None]:
    return dict(
        DocumentAccess.objects.filter(user=user, document_id__in=document_ids).values_list(
            "document_id", "last_seen_version"
        )
    )


def versions_for(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], DocumentVersion]:
    """The versions named by (document id, number), in one query."""
    if not pairs:
        return {}
    wanted = Q()
    for document_id, number in pairs:
        wanted |= Q(document_id=document_id, number=number)
    rows = DocumentVersion.objects.filter(wanted).only("document_id", "number", "title", "body")
    return {(v.document_id, v.number): v for v in rows}


def approval_queue_rows(*, user: Any) -> list[QueueRow]:
    """待我审批的: the person's current tasks, oldest first, each with its document's 意见汇总表
    counts and the changes since the version they last saw (five queries however many)."""
    approvals = list(selectors.approval_queue(user=user)[:QUEUE_LIMIT])
    document_ids = [a.step.document_id for a in approvals]
    unhandled, disagreements = _counts_by_document(document_ids) if approvals else ({}, {})
    seen = seen_versions(user=user, document_ids=document_ids) if approvals else {}
    pairs: list[tuple[int, int]] = []
    for approval in approvals:
        document = approval.step.document
        last = seen.get(document.pk)
        if last is not None and last < document.version:
            pairs += [(document.pk, last), (document.pk, document.version)]
    versions = versions_for(pairs)
    rows = []
    for approval in approvals:
        document = approval.step.document
        last = seen.get(document.pk)
        mine = {n: v for (d, n), v in versions.items() if d == document.pk}
        rows.append(
            QueueRow(
                approval=approval,
                unhandled=unhandled.get(document.pk, 0),
                disagreements=disagreements.get(document.pk, 0),
                seen_version=last,
                changes=changes_since(seen=last, current=document.version, versions=mine),
            )
        )
    return rows
