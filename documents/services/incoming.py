"""Incoming documents (收文): 签收/登记 → 初审 → 拟办 → 批办 → 承办 → 传阅 → 办结/答复 → 归档.

The office registers, checks (初审), proposes the handling (拟办) to a leader, circulates (传阅) and
closes (办结/答复) and archives; the leader asked instructs (批办), which hands the work to the lead
department's head and the assisting departments' heads as an ``affairs`` matter.

Choices made here (DOMAIN.md B4 leaves them open):

- 初审 is recorded once. A failed check returns the document to its sender: it is closed at once,
  ``review_passed`` False, the reasons kept as the review note and as the reply (答复). When the
  office moves on (proposes, circulates or closes) without having recorded a check, that act is
  the check: a passed review is recorded and audited then.
- 办结 of an instructed document waits for its matter to be completed (confirmed) or cancelled.
- Circulation (传阅) is possible from registration until archiving; archiving waits for every
  reader's 圈阅.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_office_member
from accounts.models import Department, User
from affairs.models import Matter, MatterSource, MatterStatus
from affairs.services import matter_create
from core import calendar
from core.attachments import attachment_store, attachments_check, files_count_error
from core.audit import audit_record
from core.enums import Classification, Urgency
from core.errors import Conflict, PermissionDenied, ValidationError
from core.validators import single_line
from workload.models import WorkItemKind
from workload.services import workitem_open, workitems_settle_for_target

from ..models import (
    AccessReason,
    IncomingAccess,
    IncomingDocument,
    IncomingStatus,
    Reading,
    ReadingStatus,
    RegistryCounter,
)
from ..search import index_incoming

S = IncomingStatus

# status → the statuses it may move to (the incoming document's state machine)
INCOMING_ALLOWED: dict[str, frozenset[str]] = {
    S.REGISTERED: frozenset({S.PROPOSED, S.CLOSED}),  # 拟办; or 阅知件 closed, or returned at 初审
    S.PROPOSED: frozenset({S.INSTRUCTED}),  # 批办
    S.INSTRUCTED: frozenset({S.CLOSED}),  # 办结/答复 once the matter is completed
    S.CLOSED: frozenset({S.ARCHIVED}),  # 归档
    S.ARCHIVED: frozenset(),
}
# Actions that keep the status, and the statuses they are possible in.
REVIEWABLE = frozenset({S.REGISTERED})
CIRCULABLE = frozenset({S.REGISTERED, S.PROPOSED, S.INSTRUCTED, S.CLOSED})

SERIAL_FORMAT = "收文〔{year}〕{n}号"
MAX_READERS = 50

# How soon a leader is asked to read or instruct, in working days (DOMAIN.md C1: leaders read
# within 2 working days; sooner when urgent).
READ_WORKING_DAYS = {Urgency.NORMAL: 2, Urgency.URGENT: 1, Urgency.EXTRA_URGENT: 0}


# --- Helpers --------------------------------------------------------------------------------------


def default_due_on(*, received_on: date, urgency: str) -> date:
    """The handling deadline by urgency, in working days after receipt (``INCOMING_DUE_WORKING_DAYS``)."""
    days = {"normal": 15, "urgent": 3, "extra_urgent": 1, **getattr(settings, "INCOMING_DUE_WORKING_DAYS", {})}
    return calendar.add_working_days(received_on, int(days.get(urgency, days["normal"])))


def reading_due_at(*, urgency: str, due_on: date | None = None) -> datetime:
    """When a leader's turn (instruct, read) is due: close of business a few working days on, and
    never after the document's own deadline (when that is still ahead)."""
    today = timezone.localdate()
    day = calendar.add_working_days(today, READ_WORKING_DAYS.get(Urgency(urgency), 2))
    if due_on is not None and today <= due_on < day:
        day = calendar.next_workday(due_on, include_today=True)
    return calendar.end_of_working_day(day)


def _require_office(actor: User, message: str) -> None:
    if not is_office_member(actor):
        raise PermissionDenied(message, code="office_only")


def _lock(incoming: IncomingDocument) -> IncomingDocument:
    return IncomingDocument.objects.select_for_update().get(pk=incoming.pk)


def _refuse(locked: IncomingDocument, message: str | None = None) -> Conflict:
    return Conflict(
        message
        or _("The incoming document is %(status)s; this step is not possible now.")
        % {"status": locked.get_status_display()},
        code="invalid_state",
    )


def _move(locked: IncomingDocument, to: str, **changes: object) -> None:
    """Move the locked row to ``to`` if the table allows it, writing ``changes`` with it."""
    if to not in INCOMING_ALLOWED[locked.status]:
        raise _refuse(locked)
    locked.status = to
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save(update_fields=["status", *changes])
    if changes:
        index_incoming(locked)  # the notes, instruction and reply are searchable with it


def incoming_access_grant(*, incoming: IncomingDocument, users: Iterable[User], reason: str) -> None:
    """Need-to-know on ``incoming`` (the first reason a person was routed stays)."""
    for person in users:
        try:
            with transaction.atomic():
                IncomingAccess.objects.get_or_create(incoming=incoming, user=person, defaults={"reason": reason})
        except IntegrityError:  # granted by a concurrent transaction a moment ago
            pass


def _ensure_reviewed(locked: IncomingDocument, actor: User) -> None:
    """The office moving on without a recorded 初审 has checked it: record the pass."""
    if locked.review_passed is not None:
        return
    locked.review_passed, locked.reviewed_by, locked.reviewed_at = True, actor, timezone.now()
    locked.save(update_fields=["review_passed", "reviewed_by", "reviewed_at"])
    audit_record(actor=actor, verb="document.incoming_review", target=locked, data={"passed": True, "implicit": True})


def clean_text(value: str, *, field: str, limit: int, required: bool = True, line: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("This field is required."), fields={field: [_("This field is required.")]})
    if line:
        try:
            single_line(value)
        except DjangoValidationError as error:
            raise ValidationError(error.messages[0], fields={field: list(error.messages)}) from error
    if len(value) > limit:
        message = _("At most %(n)d characters.") % {"n": limit}
        raise ValidationError(message, fields={field: [message]})
    return value


def _cleared(person: User, classification: str) -> bool:
    return person.is_active and Classification.allows(person.clearance, classification)


# --- 签收/登记 ------------------------------------------------------------------------------------


def _next_serial(year: int) -> str:
    """The next registration number of ``year``, gap-free: the counter row is locked until the
    registration commits (a failed registration rolls its number back with it)."""
    try:
        with transaction.atomic():
            RegistryCounter.objects.get_or_create(year=year)
    except IntegrityError:  # another registration created the year's row a moment ago
        pass
    counter = RegistryCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return SERIAL_FORMAT.format(year=year, n=counter.last)


@transaction.atomic
def incoming_register(
    *,
    actor: User,
    title: str,
    sender_org: str,
    sender_number: str = "",
    received_on: date,
    due_on: date | None = None,
    classification: str = Classification.INTERNAL,
    urgency: str = Urgency.NORMAL,
    body: str = "",
    files: Sequence[UploadedFile] = (),
) -> IncomingDocument:
    """签收/登记 by the office: a registration number 收文〔year〕n号 and the handling deadline."""
    _require_office(actor, _("Incoming documents are registered by the office."))
    title = clean_text(title, field="title", limit=200)
    sender_org = clean_text(sender_org, field="sender_org", limit=200)
    sender_number = clean_text(sender_number, field="sender_number", limit=60, required=False)
    body = (body or "").strip()
    if classification not in Classification.values:
        raise ValidationError(_("Choose a classification."), fields={"classification": [_("Choose a classification.")]})
    if urgency not in Urgency.values:
        raise ValidationError(_("Choose an urgency."), fields={"urgency": [_("Choose an urgency.")]})
    if not Classification.allows(actor.clearance, classification):
        raise ValidationError(
            _("You are not cleared for %(level)s material.") % {"level": Classification(classification).label},
            fields={"classification": [_("Choose a classification up to your clearance.")]},
        )
    today = timezone.localdate()
    if received_on > today:
        message = _("The received date cannot be in the future.")
        raise ValidationError(message, fields={"received_on": [message]})
    if due_on is None:
        due_on = default_due_on(received_on=received_on, urgency=urgency)
    elif due_on < received_on:
        message = _("The deadline cannot be before the received date.")
        raise ValidationError(message, fields={"due_on": [message]})
    uploads = list(files)
    too_many = files_count_error(len(uploads))
    if too_many:
        raise ValidationError(too_many, fields={"files": [too_many]})
    incoming = IncomingDocument.objects.create(
        serial=_next_serial(today.year),
        title=title,
        sender_org=sender_org,
        sender_number=sender_number,
        received_on=received_on,
        due_on=due_on,
        classification=classification,
        urgency=urgency,
        body=body,
        registered_by=actor,
    )
    attachments_check(uploads)
    stored = [attachment_store(owner=incoming, upload=upload, uploaded_by=actor) for upload in uploads]
    # Registration is due the same or the next working day after receipt (DOMAIN.md C1).
    late = calendar.working_days_between(received_on, today) > 1
    audit_record(
        actor=actor,
        verb="document.incoming_register",
        target=incoming,
        data={"serial": incoming.serial, "due_on": due_on.isoformat(), "late": late, "files": [a.pk for a in stored]},
    )
    index_incoming(incoming)
    return incoming


# --- 初审 -----------------------------------------------------------------------------------------


@transaction.atomic
def incoming_review(*, incoming: IncomingDocument, actor: User, passed: bool, note: str = "") -> IncomingDocument:
    """初审 by the office. A failed check returns the document: closed, the reasons as the reply."""
    _require_office(actor, _("The preliminary review is the office's."))
    note = (note or "").strip()
    if not passed and not note:
        message = _("Give the reasons for returning the document.")
        raise ValidationError(message, fields={"note": [message]})
    locked = _lock(incoming)
    if locked.status not in REVIEWABLE or locked.review_passed is not None:
        raise _refuse(locked, _("The preliminary review has already been recorded."))
    now = timezone.now()
    locked.review_passed, locked.reviewed_by, locked.reviewed_at, locked.review_note = passed, actor, now, note
    locked.save(update_fields=["review_passed", "reviewed_by", "reviewed_at", "review_note"])
    index_incoming(locked)
    if not passed:
        _move(locked, S.CLOSED, reply=note, closed_at=now)
        workitems_settle_for_target(target=locked, outcome="returned", actor=actor)
    audit_record(actor=actor, verb="document.incoming_review", target=locked, data={"passed": passed})
    return locked


# --- 拟办 -----------------------------------------------------------------------------------------


def _check_leader(leader: User, classification: str, field: str = "leader") -> None:
    if not leader.is_active or not leader.is_leader:
        message = _("Choose a leader.")
        raise ValidationError(message, fields={field: [message]})
    if not Classification.allows(leader.clearance, classification):
        message = _("%(name)s's clearance is below this document's classification.") % {"name": leader.display_name}
        raise ValidationError(message, fields={field: [message]})


@transaction.atomic
def incoming_propose(*, incoming: IncomingDocument, actor: User, proposal: str, leader: User) -> IncomingDocument:
    """拟办: the office proposes how to handle it and asks a leader to instruct (批办)."""
    _require_office(actor, _("The handling proposal is the office's."))
    proposal = clean_text(proposal, field="proposal", limit=5000, line=False)
    locked = _lock(incoming)
    _check_leader(leader, locked.classification)
    if S.PROPOSED not in INCOMING_ALLOWED[locked.status]:
        raise _refuse(locked)
    _ensure_reviewed(locked, actor)
    _move(locked, S.PROPOSED, proposal=proposal, proposed_by=actor, proposed_at=timezone.now(), leader=leader)
    incoming_access_grant(incoming=locked, users=[leader], reason=AccessReason.HANDLER)
    workitem_open(
        assignee=leader,
        kind=WorkItemKind.INCOMING,
        target=locked,
        title=locked.title,
        due_at=reading_due_at(urgency=locked.urgency, due_on=locked.due_on),
        urgency=locked.urgency,
        classification=locked.classification,
        assigned_by=actor,
    )
    audit_record(actor=actor, verb="document.incoming_propose", target=locked, data={"leader": leader.pk})
    return locked


# --- 批办 -----------------------------------------------------------------------------------------


def _head_of(department: Department, field: str, classification: str) -> User:
    head = department.head
    if head is None or not head.is_active or not department.is_active:
        message = _("%(department)s has no active head to lead the work.") % {"department": department.name}
        raise ValidationError(message, fields={field: [message]})
    if not Classification.allows(head.clearance, classification):
        message = _("The head of %(department)s is not cleared for this document.") % {"department": department.name}
        raise ValidationError(message, fields={field: [message]})
    return head


@transaction.atomic
def incoming_instruct(
    *,
    incoming: IncomingDocument,
    actor: User,
    instruction: str,
    lead_department: Department,
    assisting_departments: Sequence[Department] = (),
    due_on: date,
) -> IncomingDocument:
    """批办 by the leader asked: a matter (承办) for the lead department's head, with the assisting
    departments' heads as assisting owners. Returns the document; ``matter`` is the new matter."""
    locked = _lock(incoming)
    if locked.leader_id is None:
        raise _refuse(locked, _("No leader has been asked to instruct on this document yet."))
    if locked.leader_id != actor.pk:
        raise PermissionDenied(_("Only the leader asked may instruct on this document."), code="not_the_leader")
    if S.INSTRUCTED not in INCOMING_ALLOWED[locked.status]:
        raise _refuse(locked)
    instruction = clean_text(instruction, field="instruction", limit=5000, line=False)
    lead = _head_of(lead_department, "lead_department", locked.classification)
    assisting: list[User] = []
    for department in assisting_departments:
        if department.pk == lead_department.pk:
            continue
        head = _head_of(department, "assisting_departments", locked.classification)
        if head.pk != lead.pk and all(p.pk != head.pk for p in assisting):
            assisting.append(head)
    matter = matter_create(
        actor=actor,
        title=locked.title,
        lead=lead,
        due_on=due_on,
        description=instruction,
        urgency=locked.urgency,
        classification=locked.classification,
        assisting=assisting,
        source=locked,
        source_kind=MatterSource.INCOMING_DOCUMENT,
    )
    _move(
        locked,
        S.INSTRUCTED,
        instruction=instruction,
        instructed_at=timezone.now(),
        lead_department=lead_department,
        matter=matter,
    )
    incoming_access_grant(incoming=locked, users=[lead, *assisting], reason=AccessReason.HANDLER)
    workitems_settle_for_target(
        target=locked, assignee=actor, kind=WorkItemKind.INCOMING, outcome="instructed", actor=actor
    )
    audit_record(
        actor=actor,
        verb="document.incoming_instruct",
        target=locked,
        data={
            "matter": matter.pk,
            "lead_department": lead_department.pk,
            "assisting_departments": [d.pk for d in assisting_departments if d.pk != lead_department.pk],
            "due_on": due_on.isoformat(),
        },
    )
    return locked


# --- 传阅 -----------------------------------------------------------------------------------------


@transaction.atomic
def incoming_circulate(*, incoming: IncomingDocument, actor: User, readers: Sequence[User]) -> list[Reading]:
    """传阅: each reader gets a reading (圈阅) and a work item; someone still to read is not sent twice."""
    _require_office(actor, _("Circulation is arranged by the office."))
    people: list[User] = []
    for person in readers:
        if all(p.pk != person.pk for p in people):
            people.append(person)
    if not people:
        message = _("Choose at least one reader.")
        raise ValidationError(message, fields={"readers": [message]})
    if len(people) > MAX_READERS:
        message = _("At most %(n)d readers at a time.") % {"n": MAX_READERS}
        raise ValidationError(message, fields={"readers": [message]})
    locked = _lock(incoming)
    refused = [p.display_name for p in people if not _cleared(p, locked.classification)]
    if refused:
        message = _("Not cleared for this document, or inactive: %(names)s.") % {"names": "、".join(refused)}
        raise ValidationError(message, fields={"readers": [message]})
    if locked.status not in CIRCULABLE:
        raise _refuse(locked)
    if locked.status == S.REGISTERED:
        _ensure_reviewed(locked, actor)
    waiting = set(
        Reading.objects.filter(incoming=locked, status=ReadingStatus.PENDING).values_list("reader_id", flat=True)
    )
    due_at = reading_due_at(urgency=locked.urgency, due_on=locked.due_on)
    created: list[Reading] = []
    for person in people:
        if person.pk in waiting:
            continue
        reading = Reading.objects.create(incoming=locked, reader=person, sent_by=actor)
        workitem_open(
            assignee=person,
            kind=WorkItemKind.READING,
            target=reading,
            title=locked.title,
            due_at=due_at,
            urgency=locked.urgency,
            classification=locked.classification,
            assigned_by=actor,
        )
        created.append(reading)
    incoming_access_grant(incoming=locked, users=[r.reader for r in created], reason=AccessReason.READER)
    audit_record(
        actor=actor,
        verb="document.incoming_circulate",
        target=locked,
        data={"readers": [r.reader_id for r in created], "readings": [r.pk for r in created]},
    )
    return created


@transaction.atomic
def reading_mark_read(*, reading: Reading, actor: User, remark: str = "") -> Reading:
    """圈阅: the reader marks the document read, with an optional remark; once only."""
    if reading.reader_id != actor.pk:
        raise PermissionDenied(_("Only the reader marks this reading as read."), code="not_the_reader")
    remark = clean_text(remark, field="remark", limit=5000, required=False, line=False)
    now = timezone.now()
    moved = Reading.objects.filter(pk=reading.pk, status=ReadingStatus.PENDING).update(
        status=ReadingStatus.READ, remark=remark, read_at=now
    )
    if not moved:
        raise Conflict(_("You have already marked this document as read."), code="already_read")
    reading.status, reading.remark, reading.read_at = ReadingStatus.READ, remark, now
    workitems_settle_for_target(target=reading, outcome="read", actor=actor)
    if remark:
        index_incoming(reading.incoming)  # the leaders' remarks are searchable with the document
    audit_record(actor=actor, verb="document.reading_mark_read", target=reading, data={"incoming": reading.incoming_id})
    return reading


# --- 办结/答复 and 归档 ---------------------------------------------------------------------------


@transaction.atomic
def incoming_close(*, incoming: IncomingDocument, actor: User, reply: str = "") -> IncomingDocument:
    """办结/答复 by the office: the result reported to the sender. An instructed document waits for
    its matter to be completed or cancelled."""
    _require_office(actor, _("Incoming documents are closed by the office."))
    reply = (reply or "").strip()
    locked = _lock(incoming)
    if S.CLOSED not in INCOMING_ALLOWED[locked.status]:
        raise _refuse(locked)
    if locked.matter_id is not None:
        matter_status = Matter.objects.filter(pk=locked.matter_id).values_list("status", flat=True).first()
        if matter_status not in (MatterStatus.DONE, MatterStatus.CANCELLED, None):
            raise _refuse(locked, _("The matter handling this document is not completed yet."))
    if locked.status == S.REGISTERED:
        _ensure_reviewed(locked, actor)
    _move(locked, S.CLOSED, reply=reply, closed_at=timezone.now())
    workitems_settle_for_target(target=locked, outcome="closed", actor=actor)
    audit_record(actor=actor, verb="document.incoming_close", target=locked, data={"reply": bool(reply)})
    return locked


@transaction.atomic
def incoming_archive(*, incoming: IncomingDocument, actor: User) -> IncomingDocument:
    """归档 by the office, once closed and every reader has marked it read."""
    _require_office(actor, _("Incoming documents are archived by the office."))
    locked = _lock(incoming)
    if S.ARCHIVED not in INCOMING_ALLOWED[locked.status]:
        raise _refuse(locked)
    if Reading.objects.filter(incoming=locked, status=ReadingStatus.PENDING).exists():
        raise _refuse(locked, _("Some readers have not marked the document as read yet."))
    _move(locked, S.ARCHIVED, archived_at=timezone.now())
    audit_record(actor=actor, verb="document.incoming_archive", target=locked)
    return locked


# --- What a person may do (pages show these forms) ------------------------------------------------


def incoming_actions(*, user: User, incoming: IncomingDocument, matter_status: str | None = None) -> frozenset[str]:
    """The steps ``user`` may take on ``incoming`` now (the services check again when they act)."""
    actions: set[str] = set()
    status = incoming.status
    if is_office_member(user):
        if status in REVIEWABLE and incoming.review_passed is None:
            actions.add("review")
        if S.PROPOSED in INCOMING_ALLOWED[status]:
            actions.add("propose")
        if status in CIRCULABLE:
            actions.add("circulate")
        matter_open = matter_status in (MatterStatus.IN_PROGRESS, MatterStatus.AWAITING_CONFIRMATION)
        if S.CLOSED in INCOMING_ALLOWED[status] and not matter_open:
            actions.add("close")
        if S.ARCHIVED in INCOMING_ALLOWED[status]:
            actions.add("archive")
    if status == S.PROPOSED and incoming.leader_id == user.pk:
        actions.add("instruct")
    return frozenset(actions)
