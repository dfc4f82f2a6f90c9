"""Writes of a meeting's follow-up: replies (accept / decline / send a delegate), agenda items (议题),
minutes (纪要), decisions (决定事项, followed as ``affairs`` matters) and, for a coordination meeting
(协调会), each party department's position and the agreed resolution.

Who may do what:

- Only an invited person replies to their invitation, until the meeting starts; a delegate (委托参会)
  must be an active colleague of the same department, cleared for the meeting's classification and
  not invited already. The delegate gets an invitation item of their own, acknowledges it (accept) or
  hands it back (decline: the invitation is the attendee's again).
- Departments propose agenda items: a member of the organizing department or of an invited person's
  department (its head or staff), for their own department, or the office. The organizer or the
  office accepts or declines them and publishes the agenda.
- Only the organizer or the office (``services.may_manage``) writes minutes, records decisions and
  the resolution; positions also by the head of the department that holds the position.

A meeting the person may not see never reaches these functions (the pages and the API answer 404
first). Each function is one transaction, locks what it changes, writes its audit event and opens
or settles the ledger's items.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import headed_department_ids
from accounts.models import Department, User
from affairs.models import MatterSource
from affairs.services import matter_create
from core.attachments import attachment_store, attachments_check, files_count_error
from core.audit import audit_record
from core.enums import Classification, Priority
from core.errors import Conflict, PermissionDenied, ValidationError
from core.validators import LINE_BREAKS
from documents.models import DocType, Document
from documents.services.drafting import document_create
from notifications import messages
from notifications.models import NotificationKind
from workload.models import WorkItemKind, WorkItemStatus
from workload.services import workitem_open, workitems_settle_for_target

from .models import (
    AgendaItem,
    AgendaItemStatus,
    Attendee,
    AttendeeResponse,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    Position,
)
from .reminders import meeting_reminders_sync
from .selectors_followup import party_department_ids
from .services import _notify, _open_invitation, may_manage

# The API's words for a reply (API.md: "accept" | "decline" | "delegate") and what they record.
RESPONSES: dict[str, str] = {
    "accept": AttendeeResponse.ACCEPTED,
    "decline": AttendeeResponse.DECLINED,
    "delegate": AttendeeResponse.DELEGATED,
}
MAX_AGENDA_MINUTES = 480
MAX_TEXT = 50_000
MAX_DECISION = 2_000

messages.register("meeting.declined", "%(title)s", gettext_lazy("%(name)s will not attend."))
messages.register("meeting.delegated", "%(title)s", gettext_lazy("%(name)s sends %(delegate)s in their place."))
messages.register(
    "meeting.delegate_declined",
    "%(title)s",
    gettext_lazy("%(name)s cannot attend in your place: the invitation is yours again."),
)
messages.register("agenda.accepted", "%(title)s", gettext_lazy("Your agenda item “%(item)s” is accepted."))
messages.register("agenda.declined", "%(title)s", gettext_lazy("Your agenda item “%(item)s” is declined: %(reason)s"))
messages.register("agenda.published", "%(title)s", gettext_lazy("The agenda is published (%(count)s items)."))
messages.register("minutes.published", "%(title)s", gettext_lazy("The minutes are published."))


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("organizer").get(pk=meeting.pk)


def _refuse_cancelled(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(_("The meeting was cancelled."), code="meeting_cancelled")


def _refuse_unless_manager(actor: User, meeting: Meeting, message: str) -> None:
    if not may_manage(actor, meeting):
        raise PermissionDenied(message, code="not_organizer")


def _one_line(value: str, *, field: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(_("This field is required."), fields={field: [_("This field is required.")]})
    if len(value) > limit:
        raise ValidationError(
            _("At most %(n)d characters.") % {"n": limit},
            fields={field: [_("At most %(n)d characters.") % {"n": limit}]},
        )
    if any(ch in LINE_BREAKS for ch in value):
        raise ValidationError(
            _("Keep this to one line: remove the line breaks."),
            fields={field: [_("Keep this to one line: remove the line breaks.")]},
        )
    return value


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationError(_("This field is required."), fields={field: [_("This field is required.")]})
    if len(value) > limit:
        raise ValidationError(
            _("At most %(n)d characters.") % {"n": limit},
            fields={field: [_("At most %(n)d characters.") % {"n": limit}]},
        )
    return value


def attendees_to_tell(meeting: Meeting) -> list[User]:
    """Everyone a publication goes to: the invited and the delegates sent in their place."""
    rows = Attendee.objects.filter(meeting=meeting).select_related("user", "delegate")
    people: dict[int, User] = {}
    for row in rows:
        people.setdefault(row.user_id, row.user)
        if row.response == AttendeeResponse.DELEGATED and row.delegate is not None:
            people.setdefault(row.delegate.pk, row.delegate)
    return list(people.values())


# --- Attendance (item 5) ----------------------------------------------------------------------


def _check_delegate(actor: User, meeting: Meeting, delegate: User | None) -> User:
    def refuse(message: str) -> ValidationError:
        return ValidationError(message, fields={"delegate": [message]}, code="bad_delegate")

    if delegate is None:
        raise refuse(_("Name the colleague who attends in your place."))
    if delegate.pk == actor.pk:
        raise refuse(_("Name someone other than yourself."))
    if not delegate.is_active:
        raise refuse(_("%(name)s is no longer active.") % {"name": delegate.display_name})
    if not Classification.allows(delegate.clearance, meeting.classification):
        raise refuse(_("%(name)s is not cleared for this meeting's classification.") % {"name": delegate.display_name})
    # A delegate speaks for the attendee's department: a colleague of the same department.
    if actor.department_id is None or delegate.department_id != actor.department_id:
        raise refuse(_("Send a colleague of your own department."))
    if delegate.pk == meeting.organizer_id or Attendee.objects.filter(meeting=meeting, user=delegate).exists():
        raise refuse(_("%(name)s is already invited to this meeting.") % {"name": delegate.display_name})
    taken = Attendee.objects.filter(meeting=meeting, delegate=delegate, response=AttendeeResponse.DELEGATED)
    if taken.exclude(user=actor).exists():
        raise refuse(_("%(name)s already attends in someone else's place.") % {"name": delegate.display_name})
    return delegate


def _withdraw_delegate(meeting: Meeting, delegate: User, actor: User) -> None:
    workitems_settle_for_target(
        target=meeting,
        assignee=delegate,
        kind=WorkItemKind.MEETING,
        status=WorkItemStatus.CANCELLED,
        outcome="delegation withdrawn",
        actor=actor,
    )


@transaction.atomic
def attendance_respond(*, actor: User, meeting: Meeting, response: str, delegate: User | None = None) -> Attendee:
    """Reply to an invitation: ``accept``, ``decline`` or ``delegate`` (with ``delegate``), changeable
    until the meeting starts. Closes the person's reply item; a delegate gets an item of their own;
    the organizer is told of a decline or a delegate. A delegate may ``accept`` (acknowledge) or
    ``decline`` (hand the invitation back). Refused: 403 for someone not invited, 409 once the
    meeting has started or was cancelled, 400 for an unsuitable delegate."""
    if response not in RESPONSES:
        raise ValidationError(
            _("Reply accept, decline or delegate."), fields={"response": [_("Choose one of the options.")]}
        )
    locked = _lock_meeting(meeting)
    row = Attendee.objects.select_for_update().filter(meeting=locked, user=actor).first()
    if row is None:
        standing_in = (
            Attendee.objects.select_for_update()
            .filter(meeting=locked, delegate=actor, response=AttendeeResponse.DELEGATED)
            .select_related("user")
            .first()
        )
        if standing_in is None:
            raise PermissionDenied(_("Only the invited reply to a meeting notice."), code="not_invited")
        return _delegate_reply(actor=actor, meeting=locked, row=standing_in, response=response)
    _refuse_cancelled(locked)
    if locked.start <= timezone.now():
        raise Conflict(_("The meeting has started: replies can no longer be changed."), code="meeting_started")
    new = RESPONSES[response]
    if new == AttendeeResponse.DELEGATED:
        delegate = _check_delegate(actor, locked, delegate)
    elif delegate is not None:
        raise ValidationError(
            _("Name a delegate only when sending one."), fields={"delegate": [_("Leave this empty.")]}
        )
    previous, previous_delegate = row.response, row.delegate if row.response == AttendeeResponse.DELEGATED else None
    if previous == new and (previous_delegate.pk if previous_delegate else None) == (delegate.pk if delegate else None):
        return row  # the same reply again: nothing changes
    if previous_delegate is not None:
        _withdraw_delegate(locked, previous_delegate, actor)
    row.response = new
    row.delegate = delegate if new == AttendeeResponse.DELEGATED else None
    row.busy = new in (AttendeeResponse.PENDING, AttendeeResponse.ACCEPTED)
    row.responded_at = timezone.now()
    row.save(update_fields=["response", "delegate", "busy", "responded_at"])
    workitems_settle_for_target(target=locked, assignee=actor, kind=WorkItemKind.MEETING, outcome=response, actor=actor)
    meeting_reminders_sync(locked)  # a decline drops the reminders, a delegate is reminded instead
    if delegate is not None and new == AttendeeResponse.DELEGATED:
        _open_invitation(locked, delegate, actor)
    if new == AttendeeResponse.DECLINED:
        _notify(
            locked,
            [locked.organizer],
            kind=NotificationKind.INFO,
            message="meeting.declined",
            actor=actor,
            extra={"name": actor.display_name},
        )
    elif new == AttendeeResponse.DELEGATED and delegate is not None:
        _notify(
            locked,
            [locked.organizer],
            kind=NotificationKind.INFO,
            message="meeting.delegated",
            actor=actor,
            extra={"name": actor.display_name, "delegate": delegate.display_name},
        )
    audit_record(
        actor=actor,
        verb="meeting.respond",
        target=locked,
        data={
            "response": new,
            "previous": previous,
            "delegate": delegate.pk if delegate is not None and new == AttendeeResponse.DELEGATED else None,
            "previous_delegate": previous_delegate.pk if previous_delegate is not None else None,
        },
    )
    return row


def _delegate_reply(*, actor: User, meeting: Meeting, row: Attendee, response: str) -> Attendee:
    _refuse_cancelled(meeting)
    if meeting.start <= timezone.now():
        raise Conflict(_("The meeting has started: replies can no longer be changed."), code="meeting_started")
    if response == "delegate":
        raise ValidationError(
            _("A delegate cannot send another delegate: decline to hand the invitation back."),
            fields={"response": [_("Choose accept or decline.")]},
        )
    if response == "accept":
        workitems_settle_for_target(
            target=meeting, assignee=actor, kind=WorkItemKind.MEETING, outcome="accept", actor=actor
        )
        audit_record(actor=actor, verb="meeting.delegate_accept", target=meeting, data={"attendee": row.user_id})
        return row
    # The delegate cannot go: the invitation is the attendee's again, with a reply item to answer.
    workitems_settle_for_target(
        target=meeting, assignee=actor, kind=WorkItemKind.MEETING, outcome="decline", actor=actor
    )
    row.response, row.delegate, row.busy, row.responded_at = AttendeeResponse.PENDING, None, True, timezone.now()
    row.save(update_fields=["response", "delegate", "busy", "responded_at"])
    _open_invitation(meeting, row.user, actor)
    meeting_reminders_sync(meeting)  # the attendee is reminded again, not the delegate
    _notify(
        meeting,
        [row.user],
        kind=NotificationKind.INFO,
        message="meeting.delegate_declined",
        actor=actor,
        extra={"name": actor.display_name},
    )
    audit_record(actor=actor, verb="meeting.delegate_decline", target=meeting, data={"attendee": row.user_id})
    return row


# --- Agenda (item 6) --------------------------------------------------------------------------


def may_propose(user: Any, meeting: Meeting) -> bool:
    """Whether ``user`` may propose agenda items (for their own department): the organizer or the
    office, or a member of the organizing department or of a department with someone invited."""
    if not getattr(user, "is_authenticated", False) or meeting.status != MeetingStatus.SCHEDULED:
        return False
    if may_manage(user, meeting):
        return user.department_id is not None
    if user.department_id is None:
        return False
    if user.department_id == meeting.department_id:
        return True
    return Attendee.objects.filter(
        Q(user__department_id=user.department_id) | Q(delegate=user), meeting=meeting
    ).exists()


@transaction.atomic
def agenda_item_propose(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    presenter: User,
    duration_minutes: int,
    description: str = "",
    files: Sequence[UploadedFile] = (),
) -> AgendaItem:
    """Propose an agenda item for the actor's department, with its materials; the organizer gets an
    item to review it. Refused (403) for someone whose department is not part of the meeting."""
    locked = _lock_meeting(meeting)
    _refuse_cancelled(locked)
    if locked.end <= timezone.now():
        raise Conflict(_("The meeting is over: no more agenda items."), code="meeting_over")
    department_id = actor.department_id
    if department_id is None or not may_propose(actor, locked):
        raise PermissionDenied(
            _("Agenda items are proposed by the departments taking part in the meeting."), code="may_not_propose"
        )
    title = _one_line(title, field="title", limit=200)
    description = _text(description, field="description", limit=MAX_TEXT, required=False)
    if not 1 <= duration_minutes <= MAX_AGENDA_MINUTES:
        raise ValidationError(
            _("Between 1 and %(n)d minutes.") % {"n": MAX_AGENDA_MINUTES},
            fields={"duration_minutes": [_("Between 1 and %(n)d minutes.") % {"n": MAX_AGENDA_MINUTES}]},
        )
    if not presenter.is_active or not Classification.allows(presenter.clearance, locked.classification):
        message = _("%(name)s cannot present here (inactive, or clearance too low).") % {"name": presenter.display_name}
        raise ValidationError(message, fields={"presenter": [message]})
    too_many = files_count_error(len(files))
    if too_many:
        raise ValidationError(too_many, fields={"files": [too_many]})
    item = AgendaItem.objects.create(
        meeting=locked,
        department_id=department_id,
        proposed_by=actor,
        title=title,
        description=description,
        presenter=presenter,
        duration_minutes=duration_minutes,
    )
    attachments_check(files)
    for upload in files:
        attachment_store(owner=item, upload=upload, uploaded_by=actor)
    if locked.organizer.is_active:
        workitem_open(
            assignee=locked.organizer,
            kind=WorkItemKind.AGENDA_REVIEW,
            target=item,
            title=title,
            due_at=locked.start if locked.start > timezone.now() else None,
            classification=locked.classification,
            assigned_by=actor,
        )
    audit_record(
        actor=actor,
        verb="agenda.propose",
        target=item,
        data={"meeting": locked.pk, "department": department_id, "files": len(files)},
    )
    return item


@transaction.atomic
def agenda_item_decide(*, actor: User, item: AgendaItem, accept: bool, reason: str = "") -> AgendaItem:
    """Accept an agenda item onto the agenda (last in order) or decline it with a reason; the
    proposer is told and the review item closes. Refused: 403 for anyone but the organizer or the
    office, 409 when it is decided already."""
    locked = AgendaItem.objects.select_for_update().get(pk=item.pk)
    meeting = Meeting.objects.select_related("organizer").get(pk=locked.meeting_id)
    _refuse_unless_manager(actor, meeting, _("Only the organizer or the office decide agenda items."))
    _refuse_cancelled(meeting)
    if locked.status != AgendaItemStatus.PROPOSED:
        raise Conflict(_("This agenda item is already decided."), code="already_decided")
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError(_("Say why the item is declined."), fields={"reason": [_("This field is required.")]})
    if accept:
        last = AgendaItem.objects.filter(meeting=meeting, status=AgendaItemStatus.ACCEPTED).aggregate(n=Max("order"))
        locked.order = (last["n"] or 0) + 1
    locked.status = AgendaItemStatus.ACCEPTED if accept else AgendaItemStatus.DECLINED
    locked.decline_reason = "" if accept else reason[:500]
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["status", "order", "decline_reason", "decided_by", "decided_at"])
    workitems_settle_for_target(
        target=locked, kind=WorkItemKind.AGENDA_REVIEW, outcome="accepted" if accept else "declined", actor=actor
    )
    proposer = User.objects.get(pk=locked.proposed_by_id)
    _notify(
        meeting,
        [proposer],
        kind=NotificationKind.INFO,
        message="agenda.accepted" if accept else "agenda.declined",
        actor=actor,
        extra={"item": locked.title, "reason": locked.decline_reason},
    )
    audit_record(
        actor=actor,
        verb="agenda.decide",
        target=locked,
        data={"accept": accept, "reason": locked.decline_reason, "order": locked.order},
    )
    item.status, item.order, item.decline_reason = locked.status, locked.order, locked.decline_reason
    return locked


@transaction.atomic
def agenda_item_move(*, actor: User, item: AgendaItem, position: int) -> AgendaItem:
    """Put an accepted agenda item at ``position`` (1: first) of the meeting's agenda; the others
    keep their order around it and the agenda is numbered 1, 2, 3… again. What the attendees were
    sent changes when the organizer publishes the agenda again. Refused: 403 for anyone but the
    organizer or the office, 409 for an item not (or no longer) on the agenda or a cancelled meeting,
    400 for a position outside the agenda."""
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=item.meeting_id)  # one reorder at a time
    _refuse_unless_manager(actor, meeting, _("Only the organizer or the office order the agenda."))
    _refuse_cancelled(meeting)
    agenda = list(
        AgendaItem.objects.select_for_update()
        .filter(meeting=meeting, status=AgendaItemStatus.ACCEPTED)
        .order_by("order", "id")
    )
    moving = next((row for row in agenda if row.pk == item.pk), None)
    if moving is None:
        raise Conflict(_("Only accepted agenda items have a place in the agenda."), code="not_on_agenda")
    if not 1 <= position <= len(agenda):
        message = _("Choose a place from 1 to %(n)d.") % {"n": len(agenda)}
        raise ValidationError(message, fields={"position": [message]})
    before = agenda.index(moving) + 1
    agenda.remove(moving)
    agenda.insert(position - 1, moving)
    changed = []
    for number, row in enumerate(agenda, start=1):
        if row.order != number:
            row.order = number
            changed.append(row)
    AgendaItem.objects.bulk_update(changed, ["order"])
    if before != position:
        audit_record(
            actor=actor,
            verb="agenda.move",
            target=moving,
            data={"meeting": meeting.pk, "from": before, "to": position, "order": [row.pk for row in agenda]},
        )
    item.order = moving.order
    return moving


@transaction.atomic
def agenda_publish(*, actor: User, meeting: Meeting) -> int:
    """Send the accepted agenda to the attendees (and delegates); returns how many items it has."""
    locked = _lock_meeting(meeting)
    _refuse_unless_manager(actor, locked, _("Only the organizer or the office publish the agenda."))
    _refuse_cancelled(locked)
    accepted = AgendaItem.objects.filter(meeting=locked, status=AgendaItemStatus.ACCEPTED)
    count = accepted.update(published_at=timezone.now())
    if not count:
        raise Conflict(_("Accept at least one agenda item first."), code="agenda_empty")
    _notify(
        locked,
        attendees_to_tell(locked),
        kind=NotificationKind.INFO,
        message="agenda.published",
        actor=actor,
        extra={"count": count},
    )
    audit_record(actor=actor, verb="agenda.publish", target=locked, data={"items": count})
    return count


# --- Minutes (item 7) -------------------------------------------------------------------------


def _minutes_locked(meeting: Meeting, actor: User) -> Minutes:
    minutes, _created = Minutes.objects.select_for_update().get_or_create(
        meeting=meeting, defaults={"updated_by": actor}
    )
    return minutes


@transaction.atomic
def minutes_save(*, actor: User, meeting: Meeting, text: str, publish: bool = False) -> Minutes:
    """Save the minutes' working copy; with ``publish`` also send it to the attendees (what they see
    changes only when published). Only the organizer or the office (403 otherwise)."""
    locked = _lock_meeting(meeting)
    _refuse_unless_manager(actor, locked, _("Only the organizer or the office write the minutes."))
    _refuse_cancelled(locked)
    text = _text(text, field="text", limit=MAX_TEXT, required=publish)
    minutes = _minutes_locked(locked, actor)
    minutes.text, minutes.updated_by, minutes.updated_at = text, actor, timezone.now()
    if publish:
        minutes.published_text, minutes.published_at = text, minutes.updated_at
    minutes.save()
    audit_record(actor=actor, verb="minutes.save", target=locked, data={"length": len(text)})
    if publish:
        _notify(locked, attendees_to_tell(locked), kind=NotificationKind.INFO, message="minutes.published", actor=actor)
        audit_record(actor=actor, verb="minutes.publish", target=locked, data={"length": len(text)})
    return minutes


@transaction.atomic
def minutes_issue(*, actor: User, meeting: Meeting) -> Document:
    """Start a 纪要 document (a draft of type ``minutes``, in the actor's department) from the
    published minutes; it then follows the documents' approval and issuing path. Once only (409).
    Like a decision, the document is seen under the documents' own rules, also for a private meeting
    (it is titled after the meeting): issuing is the organizer's deliberate act."""
    locked = _lock_meeting(meeting)
    _refuse_unless_manager(actor, locked, _("Only the organizer or the office issue the minutes."))
    _refuse_cancelled(locked)
    minutes = Minutes.objects.select_for_update().filter(meeting=locked).first()
    if minutes is None or not minutes.published_text:
        raise Conflict(_("Publish the minutes first."), code="minutes_unpublished")
    if minutes.document_id is not None:
        raise Conflict(_("The minutes were already issued as a document."), code="already_issued")
    document = document_create(
        drafter=actor,
        title=_("Minutes of %(title)s") % {"title": locked.title[:180]},
        doc_type=DocType.MINUTES,
        body=minutes.published_text,
        classification=locked.classification,
    )
    minutes.document = document
    minutes.save(update_fields=["document"])
    audit_record(actor=actor, verb="minutes.issue", target=locked, data={"document": document.pk})
    return document


# --- Decisions (item 7) -----------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    actor: User,
    meeting: Meeting,
    text: str,
    lead: User,
    due_on: date,
    assisting: Iterable[User] = (),
    priority: str = Priority.ROUTINE,
) -> Decision:
    """Record a decision and follow it as an ``affairs`` matter (source: this decision), under the
    same rules as any matter: the actor must be allowed to assign to the lead and the assisting
    owners (403 ``may_not_assign``), who must be active and cleared (400).

    Deliberately, the matter is seen as every matter is, also when the meeting is private: a decision
    is recorded so that the office supervises it (督办), so the office and the leaders see the matter
    (its title and text) while the meeting itself stays hidden from them. The page says so on the
    form of a private meeting. The matter carries the meeting's classification, which binds everyone."""
    locked = _lock_meeting(meeting)
    _refuse_unless_manager(actor, locked, _("Only the organizer or the office record decisions."))
    _refuse_cancelled(locked)
    text = _text(text, field="text", limit=MAX_DECISION)
    decision = Decision.objects.create(meeting=locked, text=text, recorded_by=actor)
    first_line = text.splitlines()[0].strip()
    matter = matter_create(
        actor=actor,
        title=first_line[:200],
        description=text,
        lead=lead,
        assisting=list(assisting),
        due_on=due_on,
        priority=priority,
        classification=locked.classification,
        source=decision,
        source_kind=MatterSource.MEETING_DECISION,
    )
    decision.matter = matter
    decision.save(update_fields=["matter"])
    audit_record(actor=actor, verb="decision.record", target=decision, data={"meeting": locked.pk, "matter": matter.pk})
    return decision


# --- Coordination meetings (协调会) -------------------------------------------------------------


def _refuse_unless_coordination(meeting: Meeting) -> None:
    if meeting.kind != MeetingKind.COORDINATION:
        raise Conflict(_("Positions and a resolution belong to coordination meetings."), code="not_coordination")


def position_department_ids(
    user: Any, meeting: Meeting, attendees: Iterable[Attendee] | None = None
) -> set[int] | None:
    """The departments whose position ``user`` may record: ``None`` (any) for the organizer or the
    office; for anyone else the party departments (``selectors_followup.party_department_ids``)
    they head, often none."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if may_manage(user, meeting):
        return None
    headed = set(headed_department_ids(user))
    return party_department_ids(meeting, attendees) & headed if headed else set()


def may_record_position(user: Any, meeting: Meeting, department: Department) -> bool:
    """The organizer or the office, or the head of ``department`` when it is a party to the meeting."""
    allowed = position_department_ids(user, meeting)
    return allowed is None or department.pk in allowed


@transaction.atomic
def position_record(*, actor: User, meeting: Meeting, department: Department, text: str) -> Position:
    """Record (or restate) a party department's position (立场): the organizer or the office, or
    the head of that department when it is a party (``party_department_ids``; 403 otherwise)."""
    locked = _lock_meeting(meeting)
    _refuse_unless_coordination(locked)
    if not may_record_position(actor, locked, department):
        raise PermissionDenied(
            _("Positions are recorded by the organizer, the office or the head of a party department."),
            code="not_organizer",
        )
    _refuse_cancelled(locked)
    text = _text(text, field="text", limit=MAX_TEXT)
    position, created = Position.objects.update_or_create(
        meeting=locked,
        department=department,
        defaults={"text": text, "recorded_by": actor, "recorded_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        verb="position.record",
        target=locked,
        data={"department": department.pk, "created": created, "length": len(text)},
    )
    return position


@transaction.atomic
def resolution_record(*, actor: User, meeting: Meeting, text: str) -> Minutes:
    """Record the resolution (协调结果) the parties agreed on: the organizer or the office."""
    locked = _lock_meeting(meeting)
    _refuse_unless_coordination(locked)
    _refuse_unless_manager(actor, locked, _("Only the organizer or the office record the resolution."))
    _refuse_cancelled(locked)
    text = _text(text, field="text", limit=MAX_TEXT)
    minutes = _minutes_locked(locked, actor)
    minutes.resolution, minutes.updated_by, minutes.updated_at = text, actor, timezone.now()
    minutes.save(update_fields=["resolution", "updated_by", "updated_at"])
    audit_record(actor=actor, verb="resolution.record", target=locked, data={"length": len(text)})
    return minutes
