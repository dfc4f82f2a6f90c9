"""Writes of meetings: rooms (administrators) and scheduling — create, reschedule, cancel.

Each is one transaction that checks clashes and saves together. On SQLite the settings' IMMEDIATE
transactions take the write lock at BEGIN, so check-and-insert runs one booking at a time; on
PostgreSQL the room exclusion constraint (``meetings.models``) refuses whatever raced past the
check, and that refusal becomes the same 409 clash. Invitations open one work item per attendee
(kind ``meeting``: reply before the meeting starts, lapsing at the start); a change notifies the
attendees, a cancellation closes their items quietly and tells everyone concerned once, and every
step writes its audit event.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import is_admin, is_office_member
from accounts.models import Department, User
from affairs.services import matter_reclassify
from core.audit import audit_record
from core.enums import Classification
from core.errors import Conflict, PermissionDenied, ValidationError
from core.validators import LINE_BREAKS
from notifications import messages
from notifications.models import NotificationKind
from notifications.services import NotificationSpec, notifications_create_many
from workload.models import WorkItem, WorkItemKind, WorkItemStatus
from workload.services import (
    workitem_open,
    workitem_set_due,
    workitems_open_for_target,
    workitems_reclassify_for_target,
    workitems_settle_for_target,
)

from .clashes import (
    Clash,
    Invitee,
    find_clashes,
    holds_room_exclusively,
    room_clashes,
    room_held_until,
    room_overlaps_exist,
)
from .models import (
    AgendaItem,
    AgendaItemStatus,
    Attendee,
    AttendeeResponse,
    AttendeeRole,
    Decision,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    Minutes,
    Room,
)
from .reminders import meeting_reminders_sync

ROOM_CONSTRAINT = "meeting_room_no_overlap"
MAX_DURATION = timedelta(hours=24)
MAX_ATTENDEES = 500

messages.register("meeting.changed", "%(title)s", gettext_lazy("The meeting has changed: now %(when)s, %(place)s."))


def _reason_words(reason: object) -> str:
    """A cancellation's reason, labelled in the reader's language (rendered when shown)."""
    return _("Reason: %(reason)s") % {"reason": reason} if reason else ""


messages.register(
    "meeting.cancelled",
    "%(title)s",
    gettext_lazy("The meeting of %(when)s is cancelled."),
    formatted={"note": _reason_words},
)
messages.register(
    "meeting.series_cancelled",
    "%(title)s",
    gettext_lazy("These meetings are cancelled: %(dates)s."),
    formatted={"note": _reason_words},
)


class _Keep:
    """``meeting_reschedule``'s "leave this as it is" (a room may be changed to no room, None)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = _Keep()


# --- Rooms ------------------------------------------------------------------------------------


def room_field_problems(*, name: str, capacity: int, setup_buffer_minutes: int) -> dict[str, list[str]]:
    """What is wrong with a room's fields (the admin form shows these before saving)."""
    fields: dict[str, list[str]] = {}
    if not name.strip():
        fields["name"] = [_("This field is required.")]
    if capacity < 1:
        fields["capacity"] = [_("A room holds at least one person.")]
    if not 0 <= setup_buffer_minutes <= 240:
        fields["setup_buffer_minutes"] = [_("Between 0 and 240 minutes.")]
    return fields


def _refuse_non_admin(actor: Any) -> None:
    if not is_admin(actor):
        raise PermissionDenied(_("Meeting rooms are managed by administrators."))


@transaction.atomic
def room_create(
    *,
    actor: User,
    name: str,
    capacity: int,
    location: str = "",
    equipment: str = "",
    active: bool = True,
    allow_overlap: bool = False,
    setup_buffer_minutes: int = 0,
    order: int = 0,
) -> Room:
    _refuse_non_admin(actor)
    fields = room_field_problems(name=name, capacity=capacity, setup_buffer_minutes=setup_buffer_minutes)
    if not fields and Room.objects.filter(name=name.strip()).exists():
        fields["name"] = [_("A room of this name exists.")]
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    room = Room.objects.create(
        name=name.strip(),
        capacity=capacity,
        location=location.strip(),
        equipment=equipment.strip(),
        active=active,
        allow_overlap=allow_overlap,
        setup_buffer_minutes=setup_buffer_minutes,
        order=order,
    )
    audit_record(actor=actor, verb="room.create", target=room, data={"name": room.name, "capacity": capacity})
    return room


ROOM_FIELDS = ("name", "capacity", "location", "equipment", "active", "allow_overlap", "setup_buffer_minutes", "order")


@transaction.atomic
def room_update(*, actor: User, room: Room, **changes: Any) -> Room:
    """Change a room (fields of ``ROOM_FIELDS``). A new buffer or overlap rule applies to the room's
    meetings from now on; refused (409) when two of them would then hold the room at once."""
    _refuse_non_admin(actor)
    unknown = set(changes) - set(ROOM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."), fields={k: [_("Unknown field.")] for k in sorted(unknown)})
    locked = Room.objects.select_for_update().get(pk=room.pk)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    fields = room_field_problems(
        name=locked.name, capacity=locked.capacity, setup_buffer_minutes=locked.setup_buffer_minutes
    )
    if not fields and Room.objects.filter(name=locked.name).exclude(pk=locked.pk).exists():
        fields["name"] = [_("A room of this name exists.")]
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    locked.save()
    upcoming = list(Meeting.objects.filter(room=locked, status=MeetingStatus.SCHEDULED, end__gte=timezone.now()))
    for meeting in upcoming:
        meeting.room_held_until = room_held_until(locked, meeting.end)
        meeting.room_exclusive = holds_room_exclusively(locked)
    try:
        with transaction.atomic():
            Meeting.objects.bulk_update(upcoming, ["room_held_until", "room_exclusive"])
            if room_overlaps_exist(locked):
                raise Conflict(code="clash")
    except (IntegrityError, Conflict) as clash:
        raise Conflict(_("Some bookings of this room would then overlap: move them first."), code="clash") from clash
    audit_record(actor=actor, verb="room.update", target=locked, data={k: str(v) for k, v in changes.items()})
    for name in changes:
        setattr(room, name, getattr(locked, name))
    return locked


# --- Meetings ---------------------------------------------------------------------------------


@dataclass
class _Plan:
    """A meeting's validated fields, as a create or a reschedule would save them."""

    title: str
    kind: str
    room: Room | None
    location: str
    start: datetime
    end: datetime
    private: bool
    classification: str
    description: str
    invitees: list[Invitee]


def _validate(
    actor: User, plan: _Plan, *, kept_room: int | None = None, kept_people: frozenset[int] = frozenset()
) -> _Plan:
    """Check and tidy ``plan``. On a change, ``kept_room`` and ``kept_people`` are the meeting's room
    and attendees as they are: only a new room and new invitees must be active (a change that keeps
    a since-retired room or a since-deactivated attendee is not refused for it)."""
    fields: dict[str, list[str]] = {}
    plan.title = plan.title.strip()
    if not plan.title:
        fields["title"] = [_("This field is required.")]
    elif len(plan.title) > 200:
        fields["title"] = [_("At most 200 characters.")]
    elif any(ch in LINE_BREAKS for ch in plan.title):
        fields["title"] = [_("Keep this to one line: remove the line breaks.")]
    if plan.kind not in MeetingKind.values:
        fields["kind"] = [_("Choose one of the options.")]
    if plan.classification not in Classification.values:
        fields["classification"] = [_("Choose one of the options.")]
    elif not Classification.allows(actor.clearance, plan.classification):
        fields["classification"] = [_("You cannot schedule a meeting above your own clearance.")]
    if timezone.is_naive(plan.start) or timezone.is_naive(plan.end):
        fields["start"] = [_("The time must carry a time zone.")]
    elif plan.end <= plan.start:
        fields["end"] = [_("The meeting must end after it starts.")]
    elif plan.end - plan.start > MAX_DURATION:
        fields["end"] = [_("A meeting lasts at most 24 hours; book several days as separate meetings.")]
    elif plan.end <= timezone.now():
        fields["end"] = [_("This time is already past.")]
    plan.location = plan.location.strip()[:200]
    if plan.room is not None and not plan.room.active and plan.room.pk != kept_room:
        fields["room"] = [_("%(room)s cannot be booked at present.") % {"room": plan.room.name}]
    unique: dict[int, Invitee] = {}
    for invitee in plan.invitees:
        if invitee.role not in AttendeeRole.values:
            fields.setdefault("attendees", []).append(_("Choose required or optional."))
        elif invitee.user.pk not in unique or invitee.role == AttendeeRole.REQUIRED:
            unique[invitee.user.pk] = invitee  # named twice: required wins
    plan.invitees = list(unique.values())
    if len(plan.invitees) > MAX_ATTENDEES:
        fields.setdefault("attendees", []).append(_("At most %(n)d attendees.") % {"n": MAX_ATTENDEES})
    inactive = [i.user.display_name for i in plan.invitees if not i.user.is_active and i.user.pk not in kept_people]
    if inactive:
        fields.setdefault("attendees", []).append(_("No longer active: %(names)s.") % {"names": "、".join(inactive)})
    if plan.classification in Classification.values:
        uncleared = [
            i.user.display_name
            for i in plan.invitees
            if not Classification.allows(i.user.clearance, plan.classification)
        ]
        if uncleared:
            fields.setdefault("attendees", []).append(
                _("Not cleared for this classification: %(names)s.") % {"names": "、".join(uncleared)}
            )
    if plan.room is not None and len(plan.invitees) > plan.room.capacity:
        fields.setdefault("room", []).append(
            _("%(room)s holds %(capacity)d people; %(count)d are invited.")
            % {"room": plan.room.name, "capacity": plan.room.capacity, "count": len(plan.invitees)}
        )
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    return plan


def _clash_error(clashes: Sequence[Clash], *, overridable: bool) -> Conflict:
    first = clashes[0].describe()
    if len(clashes) > 1:
        first = _("%(first)s And %(n)d more clashes.") % {"first": first, "n": len(clashes) - 1}
    if overridable:
        message = _("%(clash)s Give a reason to schedule it anyway.") % {"clash": first}
    else:
        message = _("The room is taken: %(clash)s") % {"clash": first}
    return Conflict(message, code="clash", extra={"conflicts": [c.as_data() for c in clashes]})


def _refuse_clashes(clashes: Sequence[Clash], override_reason: str) -> list[Clash]:
    """Refuse room clashes always, people's clashes without a reason; return those overridden."""
    hard = [c for c in clashes if c.hard]
    if hard:
        raise _clash_error(clashes, overridable=False)
    if clashes and not override_reason:
        raise _clash_error(clashes, overridable=True)
    return list(clashes)


def _room_taken(*, actor: User, plan: _Plan, exclude: int | None) -> Conflict:
    """The database refused the booking (a concurrent one won the room): the same 409, naming it."""
    clashes = room_clashes(viewer=actor, room=plan.room, start=plan.start, end=plan.end, exclude_meeting_id=exclude)
    if clashes:
        return _clash_error(clashes, overridable=False)
    return Conflict(_("The room was just booked by someone else."), code="clash", extra={"conflicts": []})


def _save_guarded(meeting: Meeting, *, actor: User, plan: _Plan) -> None:
    """Save inside a savepoint; the room constraint's refusal becomes a 409 clash."""
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as error:
        diag = getattr(error.__cause__, "diag", None)
        if getattr(diag, "constraint_name", None) != ROOM_CONSTRAINT:
            raise
        raise _room_taken(actor=actor, plan=plan, exclude=meeting.pk) from error


def _override_data(clashes: Sequence[Clash]) -> list[dict[str, Any]]:
    # Ids only (no titles): audit entries are read by people who may not see the other meeting.
    return [{"kind": c.kind, "user": c.user.pk if c.user else None, "meeting": c.meeting_id} for c in clashes]


def _open_invitation(meeting: Meeting, person: User, actor: User) -> None:
    workitem_open(
        assignee=person,
        kind=WorkItemKind.MEETING,
        target=meeting,
        title=meeting.title,
        due_at=meeting.start if meeting.start > timezone.now() else None,
        classification=meeting.classification,
        assigned_by=actor,
    )


def _invite(meeting: Meeting, invitees: Sequence[Invitee], actor: User) -> None:
    Attendee.objects.bulk_create(
        [
            Attendee(meeting=meeting, user=i.user, role=i.role, start=meeting.start, end=meeting.end, busy=True)
            for i in invitees
        ]
    )
    for invitee in invitees:
        _open_invitation(meeting, invitee.user, actor)


def _when(meeting: Meeting) -> str:
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    last = "%H:%M" if start.date() == end.date() else "%Y-%m-%d %H:%M"
    return f"{start:%Y-%m-%d %H:%M}–{end.strftime(last)}"


def _notify(
    meeting: Meeting,
    people: Sequence[User],
    *,
    kind: str,
    message: str,
    actor: User,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    params: dict[str, Any] = {"title": meeting.title, "when": _when(meeting), "place": meeting.place or "—"}
    params.update(extra or {})
    if note:
        params["note"] = note
    notifications_create_many(
        [
            NotificationSpec(
                recipient=person,
                kind=kind,
                message=message,
                params=params,
                target_ref=_ref(meeting),
                classification=meeting.classification,
            )
            for person in people
            if person.pk != actor.pk
        ]
    )


def _ref(meeting: Meeting) -> tuple[int, int]:
    return (ContentType.objects.get_for_model(Meeting).pk, meeting.pk)


def _lock_rooms(*room_ids: int | None) -> dict[int, Room]:
    """Lock the rooms (in id order) for the transaction, fresh from the database: a concurrent
    ``room_update`` waits, so the booking's hold is computed from the room's current rules."""
    ids = sorted({pk for pk in room_ids if pk is not None})
    return {room.pk: room for room in Room.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _lock_people(plan: _Plan) -> None:
    """Lock the invited people's rows (in id order, so two bookings never wait on each other in a
    circle) before their clashes are checked: two bookings of one person run one after the other,
    and the second sees the first (PostgreSQL; SQLite's IMMEDIATE transaction serializes already)."""
    ids = sorted({i.user.pk for i in plan.invitees})
    if ids:
        list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _check_plan(actor: User, plan: _Plan, exclude: int | None) -> list[Clash]:
    return find_clashes(
        viewer=actor,
        start=plan.start,
        end=plan.end,
        room=plan.room,
        invitees=plan.invitees,
        exclude_meeting_id=exclude,
    )


def meeting_check(
    *,
    actor: User,
    title: str,
    start: datetime,
    end: datetime,
    attendees: Sequence[Invitee] = (),
    room: Room | None = None,
    location: str = "",
    kind: str = MeetingKind.REGULAR,
    private: bool = False,
    classification: str = Classification.INTERNAL,
    description: str = "",
    exclude: Meeting | None = None,
) -> list[Clash]:
    """The clashes a meeting would have, after the same validation as ``meeting_create``; saves nothing.
    ``exclude``: the meeting being rescheduled (it does not clash with itself)."""
    plan = _validate(
        actor,
        _Plan(title, kind, room, location, start, end, private, classification, description, list(attendees)),
    )
    return _check_plan(actor, plan, exclude.pk if exclude is not None else None)


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    title: str,
    start: datetime,
    end: datetime,
    attendees: Sequence[Invitee] = (),
    room: Room | None = None,
    location: str = "",
    kind: str = MeetingKind.REGULAR,
    private: bool = False,
    classification: str = Classification.INTERNAL,
    description: str = "",
    override_reason: str = "",
    department: Department | None = None,
    series: MeetingSeries | None = None,
) -> Meeting:
    """Schedule a meeting. Refused (409 ``clash``) when its room is held then, or when a required
    attendee or a leader is busy then and no ``override_reason`` is given (it is recorded).
    ``series``: as an occurrence of it (``meetings.recurrence``)."""
    override_reason = override_reason.strip()
    if room is not None:
        room = _lock_rooms(room.pk).get(room.pk, room)
    plan = _validate(
        actor,
        _Plan(title, kind, room, location, start, end, private, classification, description, list(attendees)),
    )
    _lock_people(plan)
    overridden = _refuse_clashes(_check_plan(actor, plan, None), override_reason)
    now = timezone.now()
    meeting = Meeting(
        title=plan.title,
        kind=plan.kind,
        organizer=actor,
        department=department if department is not None else actor.department,
        room=plan.room,
        location=plan.location,
        start=plan.start,
        end=plan.end,
        private=plan.private,
        classification=plan.classification,
        description=plan.description,
        override_reason=override_reason if overridden else "",
        room_held_until=room_held_until(plan.room, plan.end),
        room_exclusive=holds_room_exclusively(plan.room),
        series=series,
        created_at=now,
        updated_at=now,
    )
    _save_guarded(meeting, actor=actor, plan=plan)
    _invite(meeting, plan.invitees, actor)
    meeting_reminders_sync(meeting)
    audit_record(
        actor=actor,
        verb="meeting.create",
        target=meeting,
        data={
            "room": plan.room.pk if plan.room else None,
            "start": plan.start.isoformat(),
            "end": plan.end.isoformat(),
            "attendees": [i.user.pk for i in plan.invitees],
        },
    )
    if overridden:
        audit_record(
            actor=actor,
            verb="meeting.override",
            target=meeting,
            data={"reason": override_reason, "clashes": _override_data(overridden)},
        )
    return meeting


def may_manage(user: Any, meeting: Meeting) -> bool:
    """Who changes or cancels a meeting: its organizer, or the office (which schedules for leaders)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.pk == meeting.organizer_id or is_office_member(user)
    )


def meeting_check_changeable(*, actor: Any, meeting: Meeting) -> None:
    """The rule of changing a meeting, asked by every change and by the edit page: its organizer or
    the office (403), while it is scheduled (409)."""
    if not may_manage(actor, meeting):
        raise PermissionDenied(_("Only the organizer or the office may change this meeting."))
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(_("The meeting was cancelled."), code="meeting_cancelled")


def _lock_scheduled(actor: User, meeting: Meeting) -> Meeting:
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("room").get(pk=meeting.pk)
    meeting_check_changeable(actor=actor, meeting=locked)
    return locked


@transaction.atomic
def meeting_reschedule(
    *,
    actor: User,
    meeting: Meeting,
    title: str | _Keep = KEEP,
    start: datetime | _Keep = KEEP,
    end: datetime | _Keep = KEEP,
    room: Room | _Keep | None = KEEP,
    location: str | _Keep = KEEP,
    kind: str | _Keep = KEEP,
    private: bool | _Keep = KEEP,
    classification: str | _Keep = KEEP,
    description: str | _Keep = KEEP,
    attendees: Sequence[Invitee] | _Keep = KEEP,
    override_reason: str = "",
) -> Meeting:
    """Change a scheduled meeting (PATCH): only what is given changes, under the rules of
    ``meeting_create`` (the meeting never clashes with itself). ``sequence`` goes up; attendees
    are told; new attendees are invited, removed ones' items withdrawn."""
    # Rooms before the meeting, as ``room_update`` locks its room before the room's meetings.
    current_room = Meeting.objects.filter(pk=meeting.pk).values_list("room_id", flat=True).first()
    rooms = _lock_rooms(current_room, None if isinstance(room, _Keep) or room is None else room.pk)
    locked = _lock_scheduled(actor, meeting)
    if locked.room_id is not None and locked.room_id not in rooms:  # moved meanwhile: lock its room too
        rooms.update(_lock_rooms(locked.room_id))
    if isinstance(room, Room):
        room = rooms.get(room.pk, room)
    elif isinstance(room, _Keep) and locked.room_id is not None:
        locked.room = rooms[locked.room_id]
    override_reason = override_reason.strip()
    current = {a.user_id: a for a in Attendee.objects.filter(meeting=locked).select_related("user", "delegate")}

    def pick(value: Any, old: Any) -> Any:
        return old if isinstance(value, _Keep) else value

    wanted = list(current_invitees(current.values())) if isinstance(attendees, _Keep) else list(attendees)
    plan = _validate(
        actor,
        _Plan(
            pick(title, locked.title),
            pick(kind, locked.kind),
            pick(room, locked.room),
            pick(location, locked.location),
            pick(start, locked.start),
            pick(end, locked.end),
            pick(private, locked.private),
            pick(classification, locked.classification),
            pick(description, locked.description),
            wanted,
        ),
        kept_room=locked.room_id,
        kept_people=frozenset(current),
    )
    _lock_people(plan)
    overridden = _refuse_clashes(_check_plan(actor, plan, locked.pk), override_reason)
    raised = Classification.rank(plan.classification) > Classification.rank(locked.classification)
    if raised:
        _refuse_raise(actor, locked, plan.classification, current.values())
    before = {
        f: getattr(locked, f) for f in ("title", "start", "end", "room_id", "location", "private", "classification")
    }
    locked.title, locked.kind, locked.room, locked.location = plan.title, plan.kind, plan.room, plan.location
    locked.start, locked.end, locked.private = plan.start, plan.end, plan.private
    locked.classification, locked.description = plan.classification, plan.description
    locked.room_held_until = room_held_until(plan.room, plan.end)
    locked.room_exclusive = holds_room_exclusively(plan.room)
    locked.override_reason = override_reason if overridden else ""
    locked.sequence += 1
    locked.updated_at = timezone.now()
    _save_guarded(locked, actor=actor, plan=plan)
    changed = [f for f, old in before.items() if getattr(locked, f) != old]

    keep_ids = {i.user.pk for i in plan.invitees}
    removed = [a for uid, a in current.items() if uid not in keep_ids]
    added = [i for i in plan.invitees if i.user.pk not in current]
    for invitee in plan.invitees:
        row = current.get(invitee.user.pk)
        if row is not None and row.role != invitee.role:
            Attendee.objects.filter(pk=row.pk).update(role=invitee.role)
    Attendee.objects.filter(meeting=locked).update(start=locked.start, end=locked.end)
    for row in removed:
        workitems_settle_for_target(
            target=locked,
            assignee=row.user,
            kind=WorkItemKind.MEETING,
            status=WorkItemStatus.CANCELLED,
            outcome="uninvited",
            actor=actor,
        )
        if row.delegate is not None and row.response == AttendeeResponse.DELEGATED:
            workitems_settle_for_target(
                target=locked,
                assignee=row.delegate,
                kind=WorkItemKind.MEETING,
                status=WorkItemStatus.CANCELLED,
                outcome="uninvited",
                actor=actor,
            )
    Attendee.objects.filter(pk__in=[r.pk for r in removed]).delete()
    _invite(locked, added, actor)
    if "start" in changed:
        due = locked.start if locked.start > timezone.now() else None
        for item in workitems_open_for_target(target=locked, kind=WorkItemKind.MEETING):
            workitem_set_due(item=item, due_at=due, actor=actor, reason="meeting rescheduled")
        for agenda_item in _proposed_agenda(locked):
            for item in workitems_open_for_target(target=agenda_item, kind=WorkItemKind.AGENDA_REVIEW):
                workitem_set_due(item=item, due_at=due, actor=actor, reason="meeting rescheduled")
    if "title" in changed:
        WorkItem.objects.filter(target_type_id=_ref(locked)[0], target_id=locked.pk, kind=WorkItemKind.MEETING).update(
            title=locked.title[:300]
        )
    if "classification" in changed:
        _reclassify_derived(actor, locked, raised=raised)
    meeting_reminders_sync(locked)
    if changed:
        kept_rows = [a for uid, a in current.items() if uid in keep_ids]
        kept = [a.user for a in kept_rows]
        # The delegates sent in their place are told too (as ``attendees_to_tell`` does).
        kept += [a.delegate for a in kept_rows if a.response == AttendeeResponse.DELEGATED and a.delegate is not None]
        _notify(locked, kept, kind=NotificationKind.CHANGED, message="meeting.changed", actor=actor)
    audit_record(
        actor=actor,
        verb="meeting.reschedule",
        target=locked,
        data={
            "changed": changed,
            "sequence": locked.sequence,
            "added": [i.user.pk for i in added],
            "removed": [r.user_id for r in removed],
        },
    )
    if overridden:
        audit_record(
            actor=actor,
            verb="meeting.override",
            target=locked,
            data={"reason": override_reason, "clashes": _override_data(overridden)},
        )
    return locked


def _refuse_raise(actor: User, meeting: Meeting, classification: str, rows: Iterable[Attendee]) -> None:
    """A raised classification must reach everything derived from the meeting: refused (400) while a
    delegate is not cleared for it (the invited are checked by ``_validate``), and (409) once the
    minutes were issued as a document (an issued document keeps its own classification)."""
    uncleared = [
        row.delegate.display_name
        for row in rows
        if row.response == AttendeeResponse.DELEGATED
        and row.delegate is not None
        and not Classification.allows(row.delegate.clearance, classification)
    ]
    if uncleared:
        message = _("Delegates not cleared for this classification: %(names)s.") % {"names": "、".join(uncleared)}
        raise ValidationError(message, fields={"classification": [message]})
    if Minutes.objects.filter(meeting=meeting, document__isnull=False).exists():
        raise Conflict(
            _("The minutes were issued as a document: the meeting's classification can no longer be raised."),
            code="minutes_issued",
        )


def _reclassify_derived(actor: User, meeting: Meeting, *, raised: bool) -> None:
    """The meeting's work items and its agenda items' take its classification; on a raise, the
    matters of its decisions are raised too (``affairs.services.matter_reclassify``, under its rules)."""
    workitems_reclassify_for_target(target=meeting, classification=meeting.classification)
    for item in AgendaItem.objects.filter(meeting=meeting):
        workitems_reclassify_for_target(target=item, classification=meeting.classification)
    if not raised:
        return
    decisions = Decision.objects.filter(meeting=meeting, matter__isnull=False).select_related("matter")
    for decision in decisions:
        matter = decision.matter
        if matter is not None and Classification.rank(matter.classification) < Classification.rank(
            meeting.classification
        ):
            matter_reclassify(
                actor=actor,
                matter=matter,
                classification=meeting.classification,
                reason=_("The meeting's classification was raised."),
            )


def _proposed_agenda(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda items still waiting for the organizer's review (an open item each)."""
    return list(AgendaItem.objects.filter(meeting=meeting, status=AgendaItemStatus.PROPOSED))


def current_invitees(rows: Any) -> list[Invitee]:
    return [Invitee(user=row.user, role=row.role) for row in rows]


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str = "", notify: bool = True) -> Meeting:
    """Cancel a scheduled meeting: it frees its room and people, ``sequence`` goes up, the open reply
    items close quietly, and everyone invited, their delegates and the organizer are told once
    (``meeting.cancelled``, with the time and the reason). ``notify=False``: the caller tells them
    (``meetings_cancelled_notify``, one notice for several occurrences of a series)."""
    locked = _lock_scheduled(actor, meeting)
    reason = reason.strip()[:500]
    locked.status = MeetingStatus.CANCELLED
    locked.sequence += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "sequence", "updated_at"])
    Attendee.objects.filter(meeting=locked).update(busy=False)
    # Quietly: the cancellation notice below says it all (never a "withdrawn" notice besides).
    workitems_settle_for_target(
        target=locked,
        kind=WorkItemKind.MEETING,
        status=WorkItemStatus.CANCELLED,
        outcome=reason or "meeting cancelled",
        actor=actor,
        notify=False,
    )
    for agenda_item in _proposed_agenda(locked):  # no review of an agenda item is left to do
        workitems_settle_for_target(
            target=agenda_item,
            kind=WorkItemKind.AGENDA_REVIEW,
            status=WorkItemStatus.CANCELLED,
            outcome="meeting cancelled",
            actor=actor,
            notify=False,  # the organizer is told of the cancellation itself
        )
    meeting_reminders_sync(locked)
    audit_record(
        actor=actor, verb="meeting.cancel", target=locked, data={"reason": reason, "sequence": locked.sequence}
    )
    if notify:
        meetings_cancelled_notify(actor=actor, meetings=[locked], reason=reason)
    meeting.status, meeting.sequence = locked.status, locked.sequence
    return locked


def cancellation_recipients(meeting: Meeting) -> list[User]:
    """Who is told of a meeting's cancellation: the organizer, everyone invited (whatever their
    reply) and the delegates sent in their place; active people only, each once."""
    people: dict[int, User] = {}
    organizer = User.objects.get(pk=meeting.organizer_id)
    people[organizer.pk] = organizer
    for row in Attendee.objects.filter(meeting=meeting).select_related("user", "delegate"):
        people.setdefault(row.user_id, row.user)
        if row.response == AttendeeResponse.DELEGATED and row.delegate is not None:
            people.setdefault(row.delegate.pk, row.delegate)
    return [person for person in people.values() if person.is_active]


def meetings_cancelled_notify(*, actor: User, meetings: Sequence[Meeting], reason: str = "") -> int:
    """Tell each person concerned by these cancelled meetings once (not the actor): one
    ``meeting.cancelled`` for a person on one of them, one ``meeting.series_cancelled`` listing the
    dates for a person on several (a recurring meeting cancelled "this and following"). Each
    notice points at the person's first cancelled meeting, carries its classification (masked for
    readers who may not see it) and is keyed, so it is never sent twice. Returns how many."""
    concerned: dict[int, tuple[User, list[Meeting]]] = {}
    for meeting in sorted(meetings, key=lambda m: (m.start, m.pk)):
        for person in cancellation_recipients(meeting):
            if person.pk != actor.pk:
                concerned.setdefault(person.pk, (person, []))[1].append(meeting)
    specs = []
    for person, theirs in concerned.values():
        first = theirs[0]
        params: dict[str, Any] = {"title": first.title, "when": _when(first), "place": first.place or "—"}
        if len(theirs) > 1:
            params["dates"] = "、".join(f"{timezone.localtime(m.start):%Y-%m-%d %H:%M}" for m in theirs)
        if reason:
            params["note"] = reason
        specs.append(
            NotificationSpec(
                recipient=person,
                kind=NotificationKind.CANCELLED,
                message="meeting.series_cancelled" if len(theirs) > 1 else "meeting.cancelled",
                params=params,
                target_ref=_ref(first),
                classification=first.classification,
                key=f"meeting.cancelled:{first.pk}:{person.pk}",
            )
        )
    return len(notifications_create_many(specs))


# --- Invitations that were never answered -------------------------------------------------------

NO_REPLY_OUTCOME = "no_reply"


def invitations_lapse(*, now: datetime | None = None, batch: int = 500) -> int:
    """Close the reply items of meetings that have started: an invitation is answered before the
    meeting, so whoever has not replied by its start is recorded as "no reply" (the attendee's reply
    stays 未回复 on the meeting page) and the item leaves their desk quietly — no withdrawal notice,
    and never the ledger's overdue reminders or escalation for a meeting that is past. Delegates'
    unacknowledged items close the same way. One transaction per meeting, audited; returns how many
    items were closed. Run every minute by beat (``meetings.tasks.lapse_invitations``)."""
    now = now or timezone.now()
    meeting_type = ContentType.objects.get_for_model(Meeting)
    # Reply items are due at their meeting's start (None when opened after it): the open-items
    # due index finds them; the meeting's own start decides.
    started = Meeting.objects.filter(start__lte=now).values("pk")
    meeting_ids = list(
        WorkItem.objects.filter(
            Q(due_at__lte=now) | Q(due_at__isnull=True),
            status=WorkItemStatus.OPEN,
            kind=WorkItemKind.MEETING,
            target_type=meeting_type,
            target_id__in=started,
        )
        .values_list("target_id", flat=True)
        .distinct()
        .order_by("target_id")[:batch]
    )
    closed = 0
    for meeting in Meeting.objects.filter(pk__in=meeting_ids):
        closed += _lapse_meeting_invitations(meeting, now=now)
    return closed


@transaction.atomic
def _lapse_meeting_invitations(meeting: Meeting, *, now: datetime) -> int:
    locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    if locked.start > now:
        return 0  # moved later since it was found
    settled = workitems_settle_for_target(
        target=locked,
        kind=WorkItemKind.MEETING,
        status=WorkItemStatus.CANCELLED,
        outcome=NO_REPLY_OUTCOME,
        notify=False,
    )
    if settled:
        audit_record(
            actor=None,
            verb="meeting.replies_lapse",
            target=locked,
            data={"no_reply": sorted(item.assignee_id for item in settled)},
        )
    return len(settled)
