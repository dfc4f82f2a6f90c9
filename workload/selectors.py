"""Reads of the ledger for my desk and the API: only the requesting person's own rows."""

from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.access import is_office_member
from core.enums import Priority, Urgency

from .models import WorkItem, WorkItemStatus

SCOPES = ("mine", "assigned")


def _ranked(qs: QuerySet[WorkItem]) -> QuerySet[WorkItem]:
    """Order open items as a person works through them: overdue, urgency, priority, due."""
    # The application's clock, not the database's NOW(): one notion of "now" for page and query.
    now = timezone.now()
    return qs.annotate(
        overdue_rank=Case(When(due_at__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField()),
        urgency_rank=Case(
            *[When(urgency=u, then=Value(-Urgency.rank(u))) for u in Urgency.values],
            output_field=IntegerField(),
        ),
        priority_rank=Case(
            *[When(priority=p, then=Value(Priority.rank(p))) for p in Priority.values],
            output_field=IntegerField(),
        ),
    ).order_by("overdue_rank", "urgency_rank", "priority_rank", F("due_at").asc(nulls_last=True), "id")


def _base() -> QuerySet[WorkItem]:
    # The desk shows who assigned each item and, for 我交办的, who holds it.
    return WorkItem.objects.select_related("assigned_by", "assignee")


def workitems_todo(*, user: Any, kind: str | None = None) -> QuerySet[WorkItem]:
    """待办: the person's open items, overdue first."""
    qs = _base().filter(assignee=user, status=WorkItemStatus.OPEN)
    if kind:
        qs = qs.filter(kind=kind)
    return _ranked(qs)


def workitems_done(*, user: Any, kind: str | None = None) -> QuerySet[WorkItem]:
    """已办: the person's closed items, most recent first."""
    qs = _base().filter(assignee=user, status=WorkItemStatus.DONE)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-completed_at", "-id")


def workitems_assigned_by(*, user: Any, status: str | None = None, kind: str | None = None) -> QuerySet[WorkItem]:
    """我交办的: items the person asked others to do, open ones first."""
    qs = _base().filter(assigned_by=user).exclude(assignee=user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def workitem_list(
    *, user: Any, scope: str = "mine", status: str | None = None, kind: str | None = None
) -> QuerySet[WorkItem]:
    """The API's list: the person's own items (``mine``) or those they assigned (``assigned``)."""
    if scope == "assigned":
        return workitems_assigned_by(user=user, status=status, kind=kind)
    qs = _base().filter(assignee=user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def desk_counts(*, user: Any) -> dict[str, int]:
    """Tab badges of my desk in one query: to do, overdue, done, assigned by me and still open."""
    mine = Q(assignee=user)
    open_ = Q(status=WorkItemStatus.OPEN)
    return WorkItem.objects.filter(mine | Q(assigned_by=user)).aggregate(
        todo=Count("id", filter=mine & open_),
        overdue=Count("id", filter=mine & open_ & Q(due_at__lt=timezone.now())),
        done=Count("id", filter=mine & Q(status=WorkItemStatus.DONE)),
        assigned=Count("id", filter=Q(assigned_by=user) & ~mine & open_),
    )


def workitem_visible(*, user: Any) -> QuerySet[WorkItem]:
    """Items a person may look at: their own, those they assigned, and all of them for the office."""
    qs = _base()
    if is_office_member(user) or getattr(user, "is_superuser", False):
        return qs
    return qs.filter(Q(assignee=user) | Q(assigned_by=user))


def workitem_get(*, user: Any, pk: int) -> WorkItem:
    """One visible item, or 404 (never 403: no existence oracle)."""
    return get_object_or_404(workitem_visible(user=user), pk=pk)
