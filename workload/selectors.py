"""Reads of the ledger for my desk and the API: only the requesting person's own rows.

The desk's and the list's queries are defined with the ORM below and compiled to SQL once per
process (``_prepared``, at the end): compiling costs Django more than running them costs the database.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.access import is_office_member
from core.enums import Priority, Urgency
from core.errors import NotFound
from notifications.selectors import notification_list

from . import targets
from .models import WorkItem, WorkItemStatus

SCOPES = ("mine", "assigned")


def _ranked(qs: QuerySet[WorkItem], *, now: datetime | None = None) -> QuerySet[WorkItem]:
    """Order open items as a person works through them: overdue, urgency, priority, due."""
    # The application's clock, not the database's NOW(): one notion of "now" for page and query.
    now = now or timezone.now()
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


# What each tab of my desk lists: the lists below and the desk's counts share these conditions.
def _todo(user: Any) -> Q:
    return Q(assignee=user, status=WorkItemStatus.OPEN)


def _done(user: Any) -> Q:
    return Q(assignee=user, status=WorkItemStatus.DONE)


def _assigned(user: Any) -> Q:
    return Q(assigned_by=user) & ~Q(assignee=user)


DESK_TABS: dict[str, Callable[[Any], Q]] = {"todo": _todo, "done": _done, "assigned": _assigned}


def workitems_todo(*, user: Any, kind: str | None = None, now: datetime | None = None) -> QuerySet[WorkItem]:
    """待办: the person's open items, overdue first."""
    qs = _base().filter(_todo(user))
    if kind:
        qs = qs.filter(kind=kind)
    return _ranked(qs, now=now)


def workitems_done(*, user: Any, kind: str | None = None) -> QuerySet[WorkItem]:
    """已办: the person's closed items, most recent first."""
    qs = _base().filter(_done(user))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-completed_at", "-id")


def workitems_assigned_by(*, user: Any, status: str | None = None, kind: str | None = None) -> QuerySet[WorkItem]:
    """我交办的: items the person asked others to do, open ones first."""
    qs = _base().filter(_assigned(user))
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


# --- Rows: what the desk and the API show of an item, with its two people --------------------------
PERSON_FIELDS = ("name", "first_name", "last_name", "username")
ROW_FIELDS = (
    "id", "kind", "title", "target_type_id", "target_id", "due_at", "priority", "urgency", "status",
    "escalation_level", "created_at", "completed_at", "outcome", "last_urged_at", "assignee_id", "assigned_by_id",
    *(f"assignee__{f}" for f in PERSON_FIELDS), *(f"assigned_by__{f}" for f in PERSON_FIELDS),
)  # fmt: skip


def person_name(row: dict[str, Any], person: str) -> str | None:
    """``User.display_name`` of ``person`` (``assignee`` or ``assigned_by``) in a row; None if none."""
    if row[f"{person}_id"] is None:
        return None
    full_name = f"{row[f'{person}__first_name']} {row[f'{person}__last_name']}".strip()
    return row[f"{person}__name"] or full_name or row[f"{person}__username"]


def desk_summary(*, user: Any, now: datetime, kind: str | None = None) -> dict[str, int]:
    """What my desk counts, in one query: the tab badges (``todo``, ``overdue``, ``done``, and
    ``assigned``: by me and still open), the rows each tab lists with the kind filter
    (``listed_todo``, ``listed_done``, ``listed_assigned``: the pager's totals) and the person's
    unread notifications (``unread``: the bell)."""

    def count(qs: QuerySet[Any]) -> Subquery:
        return Subquery(qs.order_by().values(n=Func(F("id"), function="COUNT")), output_field=IntegerField())

    def build() -> QuerySet[Any, dict[str, Any]]:
        # One count per figure, each read from an index (wi_assignee_status_due, wi_assigned_by,
        # notif_unread) rather than from every row of the person's: those grow with the years.
        person, items = _MARKS["person"], WorkItem.objects
        counts = {
            "todo": count(items.filter(_todo(person))),
            "overdue": count(items.filter(_todo(person), due_at__lt=_MARKS["now"])),
            "done": count(items.filter(_done(person))),
            "assigned": count(items.filter(_assigned(person), status=WorkItemStatus.OPEN)),
            "unread": count(notification_list(user=person, unread=True)),
        }
        for tab, where in DESK_TABS.items():
            if kind:
                counts[f"listed_{tab}"] = count(items.filter(where(person), kind=_MARKS["kind"]))
            elif tab == "assigned":  # the tab lists closed items too
                counts[f"listed_{tab}"] = count(items.filter(where(person)))
        # Selected beside the person's own row: one row, whatever the figures.
        row = get_user_model().objects.filter(pk=person).order_by().values(**counts)
        return cast(QuerySet[Any, dict[str, Any]], row)

    statement = _prepared(("desk summary", bool(kind)), build)
    [row] = statement.run({"person": user, "now": now, "kind": kind})
    if not kind:
        row.update(listed_todo=row["todo"], listed_done=row["done"])
    return row


def desk_counts(*, user: Any) -> dict[str, int]:
    """Tab badges of my desk in one query: to do, overdue, done, assigned by me and still open."""
    summary = desk_summary(user=user, now=timezone.now())
    return {key: summary[key] for key in ("todo", "overdue", "done", "assigned")}


_NOT_ON_OWN_TABS = {"created_at", "outcome", *(f"assignee__{f}" for f in PERSON_FIELDS)}


def desk_rows(
    *, user: Any, tab: str, now: datetime, kind: str | None = None, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    """A page of one tab of my desk (``DESK_TABS``) as rows of ``ROW_FIELDS``, in the tab's order;
    the person's own tabs leave out ``created_at``, ``outcome`` and the assignee (the person)."""
    if tab not in DESK_TABS:
        raise ValueError(f"no tab {tab!r}")

    def build() -> QuerySet[WorkItem, dict[str, Any]]:
        person, kind_ = _MARKS["person"], _MARKS["kind"] if kind else None
        if tab == "assigned":
            return workitems_assigned_by(user=person, kind=kind_).values(*ROW_FIELDS)
        if tab == "done":
            qs = workitems_done(user=person, kind=kind_)
        else:
            qs = workitems_todo(user=person, kind=kind_, now=_MARKS["now"])
        return qs.values(*(f for f in ROW_FIELDS if f not in _NOT_ON_OWN_TABS))

    statement = _prepared(("desk rows", tab, bool(kind)), build)
    return statement.run({"person": user, "now": now, "kind": kind}, limit=limit, offset=offset)


@dataclass(frozen=True)
class WorkItemRows:
    """``workitem_list`` as rows of ``ROW_FIELDS``, for DRF's cursor paginator (core.api), which
    orders by ``id``, may filter from a position and takes a slice: nothing else. Each page is one
    query compiled once (see below)."""

    user: Any
    scope: str = "mine"
    status: str | None = None
    kind: str | None = None
    ordering: tuple[str, ...] = ("-id",)
    position: tuple[str, int] | None = None  # ("lt" or "gt", an id)
    ordered = True

    def order_by(self, *ordering: str) -> "WorkItemRows":
        if ordering not in (("-id",), ("id",)):
            raise ValueError(f"work-item rows are ordered by id, not {ordering}")
        return replace(self, ordering=ordering)

    def filter(self, **lookups: Any) -> "WorkItemRows":
        [(lookup, value)] = lookups.items()
        if lookup not in ("id__lt", "id__gt"):
            raise ValueError(f"work-item rows are filtered by id, not {lookup}")
        try:
            position = int(value)
        except (TypeError, ValueError):
            raise NotFound() from None  # a cursor made up by hand
        return replace(self, position=(lookup.removeprefix("id__"), position))

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        start, stop = index.start or 0, index.stop
        op = self.position[0] if self.position else None

        def build() -> QuerySet[WorkItem, dict[str, Any]]:
            qs = workitem_list(
                user=_MARKS["person"],
                scope=self.scope,
                status=_MARKS["status"] if self.status else None,
                kind=_MARKS["kind"] if self.kind else None,
            ).order_by(*self.ordering)
            if op:
                qs = qs.filter(**{f"id__{op}": _MARKS["position"]})
            return qs.values(*ROW_FIELDS)

        statement = _prepared(("api rows", self.scope, bool(self.status), bool(self.kind), self.ordering, op), build)
        values = {"person": self.user, "status": self.status, "kind": self.kind}
        if self.position:
            values["position"] = self.position[1]
        return statement.run(values, limit=stop - start, offset=start)


def workitem_rows(
    *, user: Any, scope: str = "mine", status: str | None = None, kind: str | None = None
) -> WorkItemRows:
    """The API's list (``workitem_list``) as rows, for the cursor paginator."""
    return WorkItemRows(user=user, scope=scope, status=status, kind=kind)


# --- Queries compiled once ------------------------------------------------------------------------
# Django takes longer to compile a query to SQL than SQLite or PostgreSQL take to run the desk's and
# the list's (about 1 ms against 0.1 ms for the desk's ranked page), and these are the pages everyone
# opens first. So each of them is built from the selectors above once per process and database,
# with marker values in place of the person, the filters, the position and the clock, compiled,
# and then run with each request's values in the markers' places. The ORM stays the one definition
# of every query; only the compiling is done once.

_MARKS: dict[str, Any] = {
    "person": -(2**52) - 17,  # no row has these ids
    "position": -(2**52) - 29,
    "kind": "\x1e kind \x1e",  # nor these values
    "status": "\x1e status \x1e",
    "now": datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC),
}


@dataclass(frozen=True)
class _Slot:
    """Where a request's value goes among the parameters of a compiled query."""

    name: str


@dataclass(frozen=True)
class _Prepared:
    alias: str
    sql: str
    params: tuple[Any, ...]  # constants, and _Slots
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]

    def run(self, values: dict[str, Any], *, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        connection = connections[self.alias]
        params = []
        for param in self.params:
            if isinstance(param, _Slot):
                param = values[param.name]
                if isinstance(param, datetime):
                    param = connection.ops.adapt_datetimefield_value(param)
                param = getattr(param, "pk", param)
            params.append(param)
        sql = self.sql
        if limit is not None:
            sql = f"{sql} LIMIT %s OFFSET %s"
            params += [limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        names, result = self.names, []
        for row in rows:
            row = list(row)
            for position, functions, expression in self.converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
            result.append(dict(zip(names, row, strict=True)))
        return result


_statements: dict[tuple[Any, ...], _Prepared] = {}


def _prepared(key: tuple[Any, ...], build: Callable[[], QuerySet[Any, dict[str, Any]]]) -> _Prepared:
    """The compiled form of ``build()``, a ``values()`` query holding ``_MARKS``, once per database."""
    alias = WorkItem.objects.db
    connection = connections[alias]
    full_key = (alias, connection.vendor, *key)
    statement = _statements.get(full_key)
    if statement is not None:
        return statement
    qs = build()
    compiler = qs.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    marks = [
        (connection.ops.adapt_datetimefield_value(mark) if isinstance(mark, datetime) else mark, name)
        for name, mark in _MARKS.items()
    ]
    slots = [
        next((_Slot(name) for mark, name in marks if type(param) is type(mark) and param == mark), param)
        for param in params
    ]
    texts = [sql, *(slot for slot in slots if isinstance(slot, str))]
    if any(mark in text for mark, _name in marks if isinstance(mark, str) for text in texts):
        # A marker that reached the SQL other than as a parameter of its own would be run as it
        # is (a LIKE pattern, say): the query would be wrong, not slow.
        raise RuntimeError(f"a marker of {key} is not a parameter of its own")
    names = (*qs.query.extra_select, *qs.query.values_select, *qs.query.annotation_select)
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select[: compiler.col_count]])
    statement = _statements[full_key] = _Prepared(
        alias=alias,
        sql=sql,
        params=tuple(slots),
        names=names,
        converters=tuple((position, tuple(functions), column) for position, (functions, column) in converters.items()),
    )
    return statement


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
