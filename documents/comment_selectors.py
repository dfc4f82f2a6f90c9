"""Reads of comment collection (征求意见): a person's requests, and the 意见汇总表 of a document.

The rows follow their document's rule (``selectors.comment_requests_visible``); the summary is of a
document the caller has already fetched through ``selectors.document_get``.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from . import selectors
from .models import CommentRequest, CommentRound, Document, Handling, RequestStatus, RoundStatus, Stance


def my_comment_requests(*, user: Any, status: str | None = None) -> QuerySet[CommentRequest]:
    """The requests ``user`` must answer (as the reviewer, or the delegate of a department's head),
    newest first, with the document and the people the list shows."""
    requests = (
        selectors.comment_requests_visible(user=user)
        .filter(Q(reviewer=user) | Q(delegate=user))
        .select_related("round__document", "round__created_by", "reviewer", "department", "delegate")
        .order_by("-id")
    )
    if status:
        requests = requests.filter(status=status)
    return requests


def request_is_disagreement(request: CommentRequest) -> bool:
    """Answered "disagree" with points not all adopted (reads the prefetched opinions)."""
    return request.stance == Stance.DISAGREE and any(o.handling != Handling.ADOPTED for o in request.opinions.all())


@dataclass(frozen=True)
class Summary:
    """The 意见汇总表: every round with its requests and points, and the two numbers approvers read."""

    rounds: list[CommentRound]
    unhandled: int
    disagreements: int

    @property
    def open_round(self) -> CommentRound | None:
        return next((r for r in self.rounds if r.status == RoundStatus.OPEN), None)

    @property
    def has_points(self) -> bool:
        return any(request.opinions.all() for round_ in self.rounds for request in round_.requests.all())


def opinion_summary(*, document: Document) -> Summary:
    """Rounds → requests → opinions in three queries (``selectors.document_rounds``), counted in memory."""
    rounds = selectors.document_rounds(document=document)
    unhandled = disagreements = 0
    for round_ in rounds:
        for request in round_.requests.all():
            unhandled += sum(1 for o in request.opinions.all() if not o.handling)
            disagreements += request_is_disagreement(request)
    return Summary(rounds=rounds, unhandled=unhandled, disagreements=disagreements)


def summary_data(summary: Summary) -> dict[str, Any]:
    """The API's shape (API.md, opinion-summary)."""
    return {
        "rounds": [
            {
                "id": round_.pk,
                "number": round_.number,
                "version": round_.version,
                "status": round_.status,
                "due_at": round_.due_at,
                "closed_at": round_.closed_at,
                "instructions": round_.instructions,
                "requests": [
                    {
                        "id": request.pk,
                        "reviewer": request.reviewer_id,
                        "reviewer_name": request.reviewer.display_name,
                        "department": request.department_id,
                        "department_name": request.department.name if request.department else None,
                        "delegate": request.delegate_id,
                        "delegate_name": request.delegate.display_name if request.delegate else None,
                        "stance": request.stance,
                        "status": request.status,
                        "answered_at": request.answered_at,
                        "opinions": [
                            {
                                "id": opinion.pk,
                                "text": opinion.text,
                                "quote": opinion.quote,
                                "handling": opinion.handling,
                                "note": opinion.note,
                            }
                            for opinion in request.opinions.all()
                        ],
                    }
                    for request in round_.requests.all()
                ],
            }
            for round_ in summary.rounds
        ],
        "unhandled": summary.unhandled,
        "disagreements": summary.disagreements,
    }


def summary_rows(summary: Summary) -> tuple[list[str], list[list[Any]]]:
    """The 意见汇总表 as a table (headers, rows) for the DOCX and XLSX exports: one row per point,
    and one per request without points (its stance or "no answer" is on record too)."""
    headers = [
        _("Round"),
        _("Reviewer"),
        _("Department"),
        _("Stance"),
        _("No."),
        _("Opinion"),
        _("Quoted passage"),
        _("Handling"),
        _("Reason"),
    ]
    rows: list[list[Any]] = []
    for round_ in summary.rounds:
        for request in round_.requests.all():
            who = request.reviewer.display_name
            if request.delegate is not None:
                who = f"{request.delegate.display_name}（{who}）"
            stance = Stance(request.stance).label if request.stance else RequestStatus(request.status).label
            department = request.department.name if request.department else ""
            opinions = list(request.opinions.all())
            if not opinions:
                rows.append([round_.number, who, department, str(stance), "", "", "", "", ""])
            for index, opinion in enumerate(opinions, start=1):
                handling = Handling(opinion.handling).label if opinion.handling else _("Not yet handled")
                rows.append(
                    [round_.number, who, department, str(stance), index, opinion.text, opinion.quote,
                     str(handling), opinion.note]
                )  # fmt: skip
    return headers, rows
