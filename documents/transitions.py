"""The allowed moves of a document's status, in one table, and the one function that makes them.

A move is a conditional ``UPDATE ... WHERE status IN (...)``: two people acting at once cannot both
move the same document, and a refused move is a ``Conflict`` (HTTP 409) with a message a person
understands.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict

from .models import Document, DocumentStatus

S = DocumentStatus

# status → the statuses it may move to
ALLOWED: dict[str, set[str]] = {
    S.DRAFT: {S.AWAITING_APPROVAL},
    S.REVISING: {S.AWAITING_APPROVAL},
    S.AWAITING_APPROVAL: {S.REVISING, S.APPROVED, S.REJECTED},
    S.APPROVED: {S.ISSUED, S.REVISING},
    S.ISSUED: {S.ARCHIVED},
    S.REJECTED: set(),
    S.ARCHIVED: set(),
}


def sources_of(target: str) -> list[str]:
    return [source for source, targets in ALLOWED.items() if target in targets]


def move(document: Document, to: str, **changes: object) -> None:
    """Move ``document`` to status ``to`` if its current status allows it, else ``Conflict``.

    ``changes`` are other fields written in the same statement; the instance is updated to match.
    """
    now = timezone.now()
    moved = Document.objects.filter(pk=document.pk, status__in=sources_of(to)).update(
        status=to, updated_at=now, **changes
    )
    if not moved:
        current = Document.objects.filter(pk=document.pk).values_list("status", flat=True).first()
        raise Conflict(
            _("The document is %(status)s; this step is not possible now.")
            % {"status": S(current).label if current else _("gone")},
            code="invalid_state",
        )
    document.status = to
    document.updated_at = now
    for field, value in changes.items():
        setattr(document, field, value)
