"""Leaders' schedules (领导日程): who may see and enter them, the services that write them, the
reads the week page and the API share, and the busy source the meeting clash check asks.

The rule of visibility (one place, ``shows_details``):

- The week view and the list of entries are for the office and the leaders; anyone else gets a 404
  (their meetings' clash check and free-slot finder still see leaders as busy).
- What an entry is (kind, title, place, note) shows by its privacy: ``public`` to every signed-in
  person, ``internal`` to the office and the leaders, ``private`` to the leader and the office only.
  Everyone else, in every path (page, API, clash message, free slots), sees only "busy".
- The office enters, changes and cancels entries for any leader; a leader for themself; others 403.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_leader, is_office_member
from accounts.models import User
from core import calendar
from core.audit import audit_record
from core.errors import Conflict, PermissionDenied, ValidationError
from core.validators import LINE_BREAKS
from meetings.busy import BusyInterval
from meetings.selectors import meeting_busy_intervals

from .schedule_models import ScheduleEntry, ScheduleKind, SchedulePrivacy

BUSY_SOURCE = "relations.schedule"
WEEK_SIZE = 500  # entries in one week's view at most: the page stays bounded
MAX_SPAN_DAYS = 92  # the list endpoint's longest window


# --- Who may see and do what --------------------------------------------------------------------


def may_view_schedules(user: Any) -> bool:
    """The week view and the list are the office's and the leaders' (see the module's docstring)."""
    return is_office_member(user) or is_leader(user)


def shows_details(viewer: Any, entry: ScheduleEntry) -> bool:
    """Whether ``viewer`` may learn what ``entry`` is; otherwise the leader is only "busy"."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if entry.privacy == SchedulePrivacy.PUBLIC or viewer.pk == entry.leader_id:
        return True
    if entry.privacy == SchedulePrivacy.INTERNAL and is_leader(viewer):
        return True
    return is_office_member(viewer)


def details_visibility(user: Any) -> Q:
    """``shows_details`` as a condition on entries, for lists that show what each entry is (the admin):
    only for the office and the leaders, who see the schedules at all."""
    if not may_view_schedules(user):
        return Q(pk__in=[])
    if is_office_member(user):
        return Q()
    return Q(privacy__in=[SchedulePrivacy.PUBLIC, SchedulePrivacy.INTERNAL]) | Q(leader=user)


def may_manage(actor: Any, leader: Any) -> bool:
    return is_office_member(actor) or (is_leader(actor) and actor.pk == leader.pk)


def may_enter_any(actor: Any) -> bool:
    """Whether ``actor`` enters engagements at all (the office for every leader, a leader their own)."""
    return is_office_member(actor) or is_leader(actor)


# --- Reads --------------------------------------------------------------------------------------


def leaders() -> QuerySet[User]:
    """Active leaders, in the phone book's order (by department, then name)."""
    return User.objects.filter(is_leader=True, is_active=True)


def schedule_entries(*, user: Any) -> QuerySet[ScheduleEntry]:
    """Every entry with its leader, for the office and the leaders; 404 for anyone else."""
    if not may_view_schedules(user):
        raise Http404
    return ScheduleEntry.objects.select_related("leader", "created_by").order_by("start", "id")


def schedule_entry_get(*, user: Any, pk: int) -> ScheduleEntry:
    entry = schedule_entries(user=user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def week_bounds(day: date) -> tuple[date, datetime, datetime]:
    """The Monday of ``day``'s week and the week as ``[start, end)`` in local time."""
    monday = day - timedelta(days=day.weekday())
    start = datetime.combine(monday, time.min, tzinfo=timezone.get_current_timezone())
    return monday, start, start + timedelta(days=7)


@dataclass(frozen=True)
class Engagement:
    """One line of the week view: a meeting or a schedule entry, or only "busy" (``title`` None)."""

    start: datetime
    end: datetime
    source: str  # "meeting" or "schedule"
    title: str | None = None
    kind: str | None = None  # the entry's kind label (schedule entries the viewer may see)
    place: str | None = None
    url: str | None = None
    cancelled: bool = False
    entry_id: int | None = None
    manageable: bool = False  # the viewer may change the entry (the office, or the leader)


@dataclass
class LeaderWeek:
    leader: User
    days: list[tuple[date, list[Engagement]]]


def leader_week(*, user: Any, day: date) -> tuple[date, list[LeaderWeek]]:
    """Every leader's week holding ``day``: their meetings (``meetings``' busy intervals, a meeting
    the viewer may not see only "busy") and their schedule entries (by privacy), day by day.
    Queries: the leaders, the entries, the meetings' intervals (``meeting_busy_intervals``)."""
    if not may_view_schedules(user):
        raise Http404
    monday, start, end = week_bounds(day)
    people = list(leaders())
    ids = frozenset(p.pk for p in people)
    found: dict[int, list[Engagement]] = {pk: [] for pk in ids}
    entries = ScheduleEntry.objects.filter(
        leader_id__in=ids, start__lt=end, end__gt=start, cancelled=False
    ).select_related("leader")
    for entry in entries.order_by("start", "id")[:WEEK_SIZE]:
        shown = shows_details(user, entry)
        found[entry.leader_id].append(
            Engagement(
                start=entry.start,
                end=entry.end,
                source="schedule",
                title=entry.title if shown else None,
                kind=entry.get_kind_display() if shown else None,
                place=(entry.place or None) if shown else None,
                entry_id=entry.pk,
                manageable=may_manage(user, entry.leader),
            )
        )
    for interval in meeting_busy_intervals(user_ids=ids, start=start, end=end, viewer=user, exclude_meeting_id=None):
        found[interval.user_id].append(
            Engagement(
                start=interval.start,
                end=interval.end,
                source="meeting",
                title=interval.title,
                url=reverse("meetings:meeting_detail", args=[interval.meeting_id]) if interval.meeting_id else None,
            )
        )
    days = [monday + timedelta(days=n) for n in range(7)]
    rows = []
    for person in people:
        mine = sorted(found[person.pk], key=lambda e: (e.start, e.end))
        per_day = []
        for d in days:
            day_start = datetime.combine(d, time.min, tzinfo=timezone.get_current_timezone())
            day_end = day_start + timedelta(days=1)
            per_day.append((d, [e for e in mine if e.start < day_end and e.end > day_start]))
        rows.append(LeaderWeek(leader=person, days=per_day))
    return monday, rows


# --- The busy source (``meetings.busy``) -------------------------------------------------------


def schedule_busy_intervals(
    *,
    user_ids: frozenset[int],
    start: datetime,
    end: datetime,
    viewer: Any,
    exclude_meeting_id: int | None,
) -> Iterable[BusyInterval]:
    """Leaders held by live schedule entries overlapping ``[start, end)``: the title (and who entered
    it, as the organizer) only when ``viewer`` may see the entry. One query."""
    entries = ScheduleEntry.objects.filter(
        leader_id__in=user_ids, cancelled=False, start__lt=end, end__gt=start
    ).select_related("leader", "created_by")
    for entry in entries:
        shown = shows_details(viewer, entry)
        entered_by = entry.created_by or entry.leader
        yield BusyInterval(
            user_id=entry.leader_id,
            start=entry.start,
            end=entry.end,
            source="schedule",
            title=entry.title if shown else None,
            organizer=entered_by.display_name if shown else None,
        )


# --- Services -----------------------------------------------------------------------------------


def _clean_text(value: str, field: str, *, one_line: bool, required: bool) -> str:
    text = str(value).strip()
    if required and not text:
        raise ValidationError(fields={field: [_("This field may not be blank.")]})
    if one_line and any(ch in LINE_BREAKS for ch in text):
        raise ValidationError(fields={field: [_("Keep this to one line: remove the line breaks.")]})
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(fields={field: [_("This text holds characters that cannot be stored.")]}) from None
    return text


def _validated(
    *, leader: User, kind: str, title: str, place: str, start: datetime, end: datetime, privacy: str, note: str
) -> dict[str, Any]:
    if not (leader.is_leader and leader.is_active):
        raise ValidationError(_("Only a leader has a leader's schedule."), fields={"leader": [_("Choose a leader.")]})
    if kind not in ScheduleKind.values:
        raise ValidationError(fields={"kind": [_("Choose a valid kind.")]})
    if privacy not in SchedulePrivacy.values:
        raise ValidationError(fields={"privacy": [_("Choose a valid privacy level.")]})
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError(fields={"start": [_("Give the time with its time zone.")]})
    if end <= start:
        raise ValidationError(
            _("The end must be after the start."), fields={"end": [_("The end must be after the start.")]}
        )
    return {
        "leader": leader,
        "kind": kind,
        "title": _clean_text(title, "title", one_line=True, required=True)[:200],
        "place": _clean_text(place, "place", one_line=True, required=False)[:200],
        "start": start,
        "end": end,
        "privacy": privacy,
        "note": _clean_text(note, "note", one_line=False, required=False)[:5000],
    }


def _snapshot(entry: ScheduleEntry) -> dict[str, Any]:
    return {
        "leader": entry.leader_id,
        "kind": entry.kind,
        "start": entry.start.isoformat(),
        "end": entry.end.isoformat(),
        "privacy": entry.privacy,
    }


@transaction.atomic
def schedule_entry_create(
    *,
    actor: User,
    leader: User,
    title: str,
    start: datetime,
    end: datetime,
    kind: str = ScheduleKind.TRIP,
    place: str = "",
    privacy: str = SchedulePrivacy.INTERNAL,
    note: str = "",
) -> ScheduleEntry:
    """Enter an engagement in ``leader``'s schedule (the office, or the leader themself)."""
    if not may_manage(actor, leader):
        raise PermissionDenied(_("Only the office, or the leader themself, enters a leader's schedule."))
    data = _validated(
        leader=leader, kind=kind, title=title, place=place, start=start, end=end, privacy=privacy, note=note
    )
    entry = ScheduleEntry.objects.create(created_by=actor, **data)
    audit_record(actor=actor, verb="schedule.create", target=entry, data=_snapshot(entry))
    return entry


@transaction.atomic
def schedule_entry_update(*, actor: User, entry: ScheduleEntry, **changes: Any) -> ScheduleEntry:
    """Change an entry's fields given in ``changes`` (those of ``schedule_entry_create``)."""
    entry = ScheduleEntry.objects.select_for_update().select_related("leader").get(pk=entry.pk)
    if not may_manage(actor, entry.leader):
        raise PermissionDenied(_("Only the office, or the leader themself, changes a leader's schedule."))
    if entry.cancelled:
        raise Conflict(_("This entry was cancelled; enter a new one instead."))
    unknown = set(changes) - {"leader", "kind", "title", "place", "start", "end", "privacy", "note"}
    if unknown:
        raise ValidationError(fields={name: [_("Unknown field.")] for name in sorted(unknown)})
    current = {
        name: getattr(entry, name) for name in ("leader", "kind", "title", "place", "start", "end", "privacy", "note")
    }
    current.update(changes)
    if current["leader"].pk != entry.leader_id and not may_manage(actor, current["leader"]):
        raise PermissionDenied(_("Only the office, or the leader themself, changes a leader's schedule."))
    data = _validated(**current)
    for name, value in data.items():
        setattr(entry, name, value)
    entry.save()
    audit_record(
        actor=actor, verb="schedule.update", target=entry, data={**_snapshot(entry), "changed": sorted(changes)}
    )
    return entry


@transaction.atomic
def schedule_entry_cancel(*, actor: User, entry: ScheduleEntry) -> ScheduleEntry:
    """Cancel an entry: the leader is no longer busy then."""
    entry = ScheduleEntry.objects.select_for_update().select_related("leader").get(pk=entry.pk)
    if not may_manage(actor, entry.leader):
        raise PermissionDenied(_("Only the office, or the leader themself, cancels a leader's engagement."))
    if entry.cancelled:
        raise Conflict(_("This entry is already cancelled."))
    entry.cancelled = True
    entry.save(update_fields=["cancelled", "updated_at"])
    audit_record(actor=actor, verb="schedule.cancel", target=entry, data=_snapshot(entry))
    return entry


# --- Demo data ----------------------------------------------------------------------------------

# leader, office person entering it, kind, title, place, working days ahead, hours, privacy
DEMO_ENTRIES = [
    ("wangjp", "chenjg", ScheduleKind.TRIP, "赴省厅汇报年度工作", "省城", 2, (9, 17), SchedulePrivacy.PUBLIC),
    (
        "yangzg",
        "chenjg",
        ScheduleKind.INSPECTION,
        "城南街道基层调研",
        "城南街道",
        1,
        (14, 17),
        SchedulePrivacy.INTERNAL,
    ),
    (
        "gaoxy",
        "liuf",
        ScheduleKind.RECEPTION,
        "接待来访企业代表",
        "机关大楼二楼接待室",
        3,
        (10, 11),
        SchedulePrivacy.PRIVATE,
    ),
]


def seed_demo_schedules(people: dict[str, User], departments: Any = None) -> int:
    """Demo engagements for ``manage.py seed_demo`` (call it from ``relations/demo.py``'s ``seed``):
    a public trip, an internal inspection and a private reception, entered by the office through the
    service. Idempotent: an entry whose title exists is left alone. Returns how many were made."""
    created = 0
    zone = timezone.get_current_timezone()
    for leader, clerk, kind, title, place, ahead, (first, last), privacy in DEMO_ENTRIES:
        if leader not in people or clerk not in people or ScheduleEntry.objects.filter(title=title).exists():
            continue
        day = calendar.add_working_days(timezone.localdate(), ahead)
        schedule_entry_create(
            actor=people[clerk],
            leader=people[leader],
            kind=kind,
            title=title,
            place=place,
            start=datetime.combine(day, time(first), tzinfo=zone),
            end=datetime.combine(day, time(last), tzinfo=zone),
            privacy=privacy,
        )
        created += 1
    return created
