"""Reads of a meeting's follow-up (agenda, materials, minutes, decisions, positions), each behind
the meeting's own rule (``selectors.meeting_visibility``): what hangs off a meeting a person may not
see is a 404 for them.

Within a visible meeting, proposed and declined agenda items (and their materials) are seen by the
organizer and the office, and by the proposing department; accepted ones by everyone who sees the
meeting. The minutes' working copy is seen by the organizer and the office; the published text by
everyone who sees the meeting.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from accounts.access import is_office_member
from affairs.models import MatterStatus
from core.models import Attachment

from .models import AgendaItem, AgendaItemStatus, Attendee, AttendeeResponse, Decision, Meeting, Minutes, Position
from .selectors import meeting_visibility, meetings_visible


def party_department_ids(meeting: Meeting, attendees: Iterable[Attendee] | None = None) -> set[int]:
    """The departments party to a meeting (those whose positions a 协调会 records): the organizing
    department and the department of every invited person. ``attendees``: the meeting's rows with
    their users already loaded (no query), else one query."""
    if attendees is None:
        found = set(
            Attendee.objects.filter(meeting=meeting, user__department__isnull=False).values_list(
                "user__department_id", flat=True
            )
        )
    else:
        found = {row.user.department_id for row in attendees if row.user.department_id is not None}
    if meeting.department_id is not None:
        found.add(meeting.department_id)
    return found


def agenda_item_condition(user: Any) -> Q:
    """Agenda items ``user`` may see (the rule the ledger and every page ask)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    visible = Q(meeting__in=meetings_visible(user=user))
    if is_office_member(user):
        return visible
    own = Q(status=AgendaItemStatus.ACCEPTED) | Q(meeting__organizer=user)
    if user.department_id is not None:
        own |= Q(department_id=user.department_id)
    return visible & own


def agenda_items_visible(*, user: Any) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(agenda_item_condition(user))


def decisions_visible(*, user: Any) -> QuerySet[Decision]:
    return Decision.objects.filter(meeting__in=meetings_visible(user=user))


def agenda_item_get(*, user: Any, pk: int) -> AgendaItem:
    item = agenda_items_visible(user=user).select_related("meeting").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def agenda_item_detail(*, user: Any, pk: int) -> AgendaItem:
    """One visible agenda item with its people and materials (the API's answer), or 404."""
    item = (
        agenda_items_visible(user=user).select_related("department", "presenter", "proposed_by").filter(pk=pk).first()
    )
    if item is None:
        raise Http404
    return _with_materials([item])[0]


def decision_get(*, user: Any, pk: int) -> Decision:
    decision = decisions_visible(user=user).filter(pk=pk).first()
    if decision is None:
        raise Http404
    return decision


def material_get(*, user: Any, pk: int) -> Attachment:
    """An agenda item's material, when ``user`` may see the item (404 otherwise)."""
    attachment = (
        Attachment.objects.filter(
            pk=pk,
            owner_type=ContentType.objects.get_for_model(AgendaItem),
            owner_id__in=agenda_items_visible(user=user).values("pk"),
        )
        .only("id", "file", "original_name", "content_type")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def _with_materials(items: list[AgendaItem]) -> list[AgendaItem]:
    """Each item with ``materials`` (its attachments): one query for all of them."""
    by_item: dict[int, list[Attachment]] = {item.pk: [] for item in items}
    if by_item:
        rows = Attachment.objects.filter(
            owner_type=ContentType.objects.get_for_model(AgendaItem), owner_id__in=list(by_item)
        ).only("id", "owner_id", "original_name", "size")
        for row in rows:
            by_item[row.owner_id].append(row)
    for item in items:
        item.materials = by_item[item.pk]  # type: ignore[attr-defined]
    return items


def agenda_of(*, user: Any, meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda items ``user`` may see: accepted first, in order, then the others."""
    items = (
        agenda_items_visible(user=user).filter(meeting=meeting).select_related("department", "presenter", "proposed_by")
    )
    rank = {AgendaItemStatus.ACCEPTED: 0, AgendaItemStatus.PROPOSED: 1, AgendaItemStatus.DECLINED: 2}
    return _with_materials(sorted(items, key=lambda i: (rank[AgendaItemStatus(i.status)], i.order, i.pk)))


def minutes_of(*, meeting: Meeting) -> Minutes | None:
    return Minutes.objects.select_related("document").filter(meeting=meeting).first()


def decisions_of(*, meeting: Meeting) -> list[Decision]:
    """The meeting's decisions with their matters' progress (status, percent, owner, deadline)."""
    return list(Decision.objects.filter(meeting=meeting).select_related("matter__lead").order_by("id"))


def positions_of(*, meeting: Meeting) -> list[Position]:
    return list(Position.objects.filter(meeting=meeting).select_related("department").order_by("id"))


def attendance_summary(attendees: list[Attendee]) -> dict[str, int]:
    """How many have replied what (from rows already loaded: no query)."""
    counts = dict.fromkeys(AttendeeResponse.values, 0)
    for row in attendees:
        counts[row.response] += 1
    counts["coming"] = counts[AttendeeResponse.ACCEPTED] + counts[AttendeeResponse.DELEGATED]
    return counts


def meeting_for_followup(*, user: Any, pk: int) -> Meeting:
    """A visible meeting (organizer joined) for a follow-up action, or 404."""
    meeting = Meeting.objects.filter(meeting_visibility(user)).select_related("organizer").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


# --- For the dashboards (workload.processes) ---------------------------------------------------------------
def decision_follow_through(query: Any) -> list[dict[str, Any]]:
    """Decisions recorded in the period, by their matter's department: how many, how many matters
    opened for them, done on time / late (reported complete by / after the matter's due time), open
    and overdue now. Decisions no matter follows yet come under department ``None`` (for a viewer who
    sees every department only). Counts alone: the dashboards' audience sees figures, not decisions.
    One query."""
    decisions = Decision.objects.filter(recorded_at__gte=query.start_at, recorded_at__lt=query.end_at)
    if query.departments is not None:
        decisions = decisions.filter(matter__department_id__in=query.departments)
    done = Q(matter__status=MatterStatus.DONE, matter__completed_at__isnull=False)
    is_open = Q(matter__status__in=(MatterStatus.IN_PROGRESS, MatterStatus.AWAITING_CONFIRMATION))
    rows = (
        decisions.values("matter__department_id")
        .annotate(
            decided=Count("id"),
            opened=Count("matter"),
            on_time=Count("id", filter=done & Q(matter__completed_at__lte=F("matter__due_at"))),
            late=Count("id", filter=done & Q(matter__completed_at__gt=F("matter__due_at"))),
            open=Count("id", filter=is_open),
            overdue=Count("id", filter=is_open & Q(matter__due_at__lt=query.now)),
        )
        .order_by()
    )
    return [
        {
            "department": row["matter__department_id"] if row["opened"] else None,
            **{key: row[key] for key in ("decided", "opened", "on_time", "late", "open", "overdue")},
        }
        for row in rows
    ]
