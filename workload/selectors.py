"""Reads of the ledger for my desk and the API: only the requesting person's own rows.

Plain ORM querysets: the desk's order is served by stored rank columns (``WorkItem.urgency_rank``,
``priority_rank``) and the index ``wi_desk_order``; the counts read one index each.
"""

import functools
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db.models import Case, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.access import is_office_member, remember_roles, role_annotations
from notifications.selectors import notification_list

from . import targets
from .models import WorkItem, WorkItemStatus


def _ranked(qs: QuerySet[WorkItem], *, now: datetime | None = None) -> QuerySet[WorkItem]:
    """Order open items as a person works through them: overdue, urgency, priority, due."""
    # The application's clock, not the database's NOW(): one notion of "now" for page and query.
    # "Overdue" depends on the moment, so it is the one key computed in the query; the others are
    # stored columns, and the index wi_desk_order hands the person's open rows over in their order.
    now = now or timezone.now()
    overdue_first = Case(When(due_at__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.order_by(overdue_first.asc(), "urgency_rank", "priority_rank", F("due_at").asc(nulls_last=True), "id")


def _base() -> QuerySet[WorkItem]:
    # The desk shows who assigned each item and, for 我交办的, who holds it.
    return WorkItem.objects.select_related("assigned_by", "assignee")


# What each tab of my desk lists: the lists below and the desk's counts share these conditions.
def _todo(user: Any) -> Q:
    return Q(assignee=user, status=WorkItemStatus.OPEN)


def _done(user: Any) -> Q:
    return Q(assignee=user, status=WorkItemStatus.DONE)


def _assigned(user: Any) -> Q:
    return Q(assigned_by=user) & ~Q(assignee=user)


DESK_TABS: dict[str, Callable[[Any], Q]] = {"todo": _todo, "done": _done, "assigned": _assigned}


# The order of each tab: 待办 as a person works through them (``_ranked``), the others newest first.
_TAB_ORDER = {"done": ("-completed_at", "-id"), "assigned": ("-created_at", "-id")}


def _tab(qs: QuerySet[Any], tab: str, *, user: Any, kind: str | None, now: datetime | None) -> QuerySet[Any]:
    """``qs`` narrowed to one tab of the person's (``DESK_TABS``) and a kind, in the tab's order."""
    qs = qs.filter(DESK_TABS[tab](user))
    if kind:
        qs = qs.filter(kind=kind)
    return _ranked(qs, now=now) if tab == "todo" else qs.order_by(*_TAB_ORDER[tab])


def workitems_todo(*, user: Any, kind: str | None = None, now: datetime | None = None) -> QuerySet[WorkItem]:
    """待办: the person's open items, overdue first."""
    return _tab(_base(), "todo", user=user, kind=kind, now=now)


def workitems_done(*, user: Any, kind: str | None = None) -> QuerySet[WorkItem]:
    """已办: the person's closed items, most recent first."""
    return _tab(_base(), "done", user=user, kind=kind, now=None)


def workitems_assigned_by(*, user: Any, status: str | None = None, kind: str | None = None) -> QuerySet[WorkItem]:
    """我交办的: items the person asked others to do, newest first."""
    qs = _base().filter(status=status) if status else _base()
    return _tab(qs, "assigned", user=user, kind=kind, now=None)


# What each scope of the API's list holds (``?scope=``, API.md; WorkItemFilter applies it).
def _mine(user: Any) -> Q:
    return Q(assignee=user)


WORKITEM_SCOPES: dict[str, Callable[[Any], Q]] = {"mine": _mine, "assigned": _assigned}
SCOPES = tuple(WORKITEM_SCOPES)


# --- Rows: what the desk and the API show of an item, with its two people --------------------------
PERSON_FIELDS = ("name", "first_name", "last_name", "username")
ROW_FIELDS = (
    "id", "kind", "title", "target_type_id", "target_id", "due_at", "priority", "urgency", "status",
    "classification", "escalation_level", "created_at", "completed_at", "outcome", "last_urged_at",
    "assignee_id", "assigned_by_id",
    *(f"assignee__{f}" for f in PERSON_FIELDS), *(f"assigned_by__{f}" for f in PERSON_FIELDS),
)  # fmt: skip


def person_name(row: dict[str, Any], person: str) -> str | None:
    """``User.display_name`` of ``person`` (``assignee`` or ``assigned_by``) in a row; None if none."""
    if row[f"{person}_id"] is None:
        return None
    full_name = f"{row[f'{person}__first_name']} {row[f'{person}__last_name']}".strip()
    return row[f"{person}__name"] or full_name or row[f"{person}__username"]


def workitem_rows(*, user: Any, scope: str = "mine") -> QuerySet[WorkItem, dict[str, Any]]:
    """The API's list as rows of ``ROW_FIELDS``: the person's own items (``mine``) or those they
    assigned (``assigned``), before the status and kind filters (WorkItemFilter). DRF's cursor
    paginator orders them by id; each scope is one plain condition (no OR), so wi_assignee_id and
    wi_assigned_by_id serve it."""
    if scope not in WORKITEM_SCOPES:
        raise ValueError(f"no work-item scope {scope!r}")
    return _row_columns().filter(WORKITEM_SCOPES[scope](user))


@functools.cache
def _row_columns() -> QuerySet[WorkItem, dict[str, Any]]:
    # The rows' columns and joins, set up once per process; each request narrows a clone of it.
    return WorkItem.objects.values(*ROW_FIELDS)


def _count(qs: QuerySet[Any]) -> Subquery:
    """``SELECT COUNT(*)`` of ``qs`` as a subquery (one figure of the desk's summary)."""
    return Subquery(qs.order_by().values(n=Func(F("id"), function="COUNT")), output_field=IntegerField())


# The person whose row the summary is selected beside: the counts refer to it rather than to a
# given person, so that the figures that depend on nothing else are built once (``_standing_counts``).
_PERSON = OuterRef("pk")


@functools.cache
def _standing_counts() -> dict[str, Subquery]:
    """The desk's figures that depend only on the person, as subqueries built once per process
    (Django copies an expression each time a query uses it); each is read from an index
    (wi_assignee_status_due, wi_assigned_by, notif_unread) rather than from every row of the
    person's, which grow with the years."""
    items = WorkItem.objects
    return {
        "todo": _count(items.filter(_todo(_PERSON))),
        "done": _count(items.filter(_done(_PERSON))),
        "assigned": _count(items.filter(_assigned(_PERSON), status=WorkItemStatus.OPEN)),
        "unread": _count(notification_list(user=_PERSON, unread=True)),
    }


@functools.cache
def _standing_summary() -> QuerySet[Any, Any]:
    """Everyone's rows with those figures, the subqueries resolved once per process: each request
    narrows a clone of it to its person (as a view's class-level ``queryset`` is cloned per request)
    and adds the figures that depend on the moment or the filter."""
    # The person's roles come along (accounts.access.role_annotations): the visibility rules of the
    # desk's rows ask them next, and need no query of their own then.
    return get_user_model().objects.order_by().values(**_standing_counts(), **role_annotations())


@functools.cache
def _listed_assigned() -> Subquery:
    # What 我交办的 lists: closed items too (the badge counts the open ones).
    return _count(WorkItem.objects.filter(_assigned(_PERSON)))


def desk_summary(
    *, user: Any, now: datetime, kind: str | None = None, tabs: Iterable[str] = DESK_TABS
) -> dict[str, int]:
    """What my desk counts, in one query: the tab badges (``todo``, ``overdue``, ``done``, and
    ``assigned``: by me and still open), the rows each of ``tabs`` lists with the kind filter
    (``listed_todo``, ``listed_done``, ``listed_assigned``: the pager's totals; the desk asks only
    for the tab it shows) and the person's unread notifications (``unread``: the bell)."""
    items = WorkItem.objects
    counts = {"overdue": _count(items.filter(_todo(_PERSON), due_at__lt=now))}
    for tab in tabs:
        if kind:
            counts[f"listed_{tab}"] = _count(items.filter(DESK_TABS[tab](_PERSON), kind=kind))
        elif tab == "assigned":
            counts["listed_assigned"] = _listed_assigned()
    # Selected beside the person's own row: one row, whatever the figures.
    row = cast(dict[str, int], _standing_summary().filter(pk=user.pk).annotate(**counts).get())
    remember_roles(user, office=bool(row.pop("role_office")), heads=bool(row.pop("role_heads")))
    if not kind:  # without the kind filter, the person's own tabs list what their badges count
        row.update({f"listed_{tab}": row[tab] for tab in tabs if tab != "assigned"})
    return row


def desk_counts(*, user: Any) -> dict[str, int]:
    """Tab badges of my desk in one query: to do, overdue, done, assigned by me and still open."""
    summary = desk_summary(user=user, now=timezone.now(), tabs=())
    return {key: summary[key] for key in ("todo", "overdue", "done", "assigned")}


# What each tab of my desk draws of a row (workload.templatetags.desk): fewer columns, less to
# select and convert. Every tab names the assigner; 待办 (open rows) needs no completion time, and
# only 我交办的 names the holder and offers 催办 (the last urge).
_DESK_COMMON = (
    "id", "kind", "title", "target_type_id", "target_id", "due_at", "priority", "urgency", "status",
    "classification", "escalation_level", "assigned_by_id", *(f"assigned_by__{f}" for f in PERSON_FIELDS),
)  # fmt: skip
DESK_FIELDS: dict[str, tuple[str, ...]] = {
    "todo": _DESK_COMMON,
    "done": (*_DESK_COMMON, "completed_at"),
    "assigned": (
        *_DESK_COMMON, "completed_at", "last_urged_at", "assignee_id", *(f"assignee__{f}" for f in PERSON_FIELDS),
    ),
}  # fmt: skip


@functools.cache
def _desk_columns(tab: str) -> QuerySet[WorkItem, dict[str, Any]]:
    # The tab's columns, set up once per process; each request narrows a clone of it.
    return WorkItem.objects.values(*DESK_FIELDS[tab])


def desk_rows(*, user: Any, tab: str, now: datetime, kind: str | None = None) -> QuerySet[WorkItem, dict[str, Any]]:
    """One tab of my desk (``DESK_TABS``) as rows of the tab's ``DESK_FIELDS`` (a part of
    ``ROW_FIELDS``), in the tab's order (that of ``workitems_todo`` and the others). Slice it for a page."""
    if tab not in DESK_TABS:
        raise ValueError(f"no tab {tab!r}")
    return _tab(_desk_columns(tab), tab, user=user, kind=kind, now=now)


def _oversees_items(user: Any) -> bool:
    # The office supervises (督办) and administrators look after the ledger; both only within what
    # the target's rule lets them see.
    return is_office_member(user) or bool(getattr(user, "is_superuser", False))


def workitem_visible(*, user: Any) -> QuerySet[WorkItem]:
    """Items a person may look at: their own and those they assigned (masked when their target is
    hidden from them, see ``workitem_get``), and, for the office and administrators, any item whose
    target they may see by the target type's registered rule (``workload.targets``)."""
    condition = Q(assignee=user) | Q(assigned_by=user)
    if _oversees_items(user):
        condition |= targets.visible_condition(user)
    return _base().filter(condition)


def workitem_get(*, user: Any, pk: int) -> WorkItem:
    """One item the person may see, or 404 (never 403: no existence oracle).

    The item's ``target_visible`` says whether the person may see its target. Only the item's
    assignee and assigner get an item whose target is hidden from them (its classification is above
    their clearance): they may know that it exists, not what it is (``targets.masked_title``).
    """
    item = get_object_or_404(workitem_visible(user=user).select_related("department"), pk=pk)
    ref = (item.target_type_id, item.target_id)
    item.target_visible = ref in targets.visible_refs(user, [ref])  # type: ignore[attr-defined]
    return item
