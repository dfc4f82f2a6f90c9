"""Comment collection (征求意见): rounds, requests and answers, and the drafter's adoption record.

A round asks people, or departments answered by their head (or a delegate the head names), for
their views on one version of a draft. Each reviewer answers once with a stance and opinion points,
each optionally quoting a passage of that version; the drafter records for every point whether it
was adopted (采纳 / 部分采纳 / 不采纳 + reason). Closing a round records non-answers. Reviewers get
a ``COMMENT_REQUEST`` work item due at the round's deadline (the reminder engine urges the late
ones); the drafter gets one "handle the opinions" task while points remain unhandled.

Locks: a round's state is changed under its row lock (``select_for_update``), always taken before
a request's, so an answer and a closing of the same round never both go through.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Department, User
from core import calendar
from core.audit import audit_record
from core.enums import Classification
from core.errors import Conflict, PermissionDenied, ValidationError
from workload.models import WorkItemKind, WorkItemStatus
from workload.services import (
    workitem_complete,
    workitem_open,
    workitem_reassign,
    workitems_open_for_target,
    workitems_settle_for_target,
)

from .. import body as body_text
from ..models import (
    AccessReason,
    CommentRequest,
    CommentRound,
    Document,
    DocumentVersion,
    Handling,
    Opinion,
    RequestStatus,
    RoundStatus,
    Stance,
)
from ..search import index_document
from .drafting import access_grant

# DOMAIN.md C1: a 征求意见 reply is due in 7 working days unless the drafter says otherwise.
DEFAULT_WORKING_DAYS = 7
MAX_OPINIONS = 100
MAX_TEXT = 5000
# Stances that say the draft should change: the reviewer must say how (at least one point).
STANCES_NEEDING_POINTS = frozenset({Stance.DISAGREE, Stance.AGREE_WITH_CHANGES})
# The outcome recorded on a reviewer's work item when the round closes without their answer.
NO_ANSWER_OUTCOME = "no_answer"


def default_due_at(now: datetime | None = None) -> datetime:
    """Close of business 7 working days from today (DOMAIN.md C1)."""
    today = timezone.localdate(now or timezone.now())
    return calendar.end_of_working_day(calendar.add_working_days(today, DEFAULT_WORKING_DAYS))


def _names(people: Sequence[User]) -> str:
    return "、".join(p.display_name for p in people)


def _lock_document(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


def _require_drafter(document: Document, actor: User, message: str) -> None:
    if document.drafter_id != actor.pk:
        raise PermissionDenied(message, code="not_drafter")


@dataclass(frozen=True)
class _Asked:
    """One request to make: who answers, and for which department (None: for themselves)."""

    reviewer: User
    department: Department | None


def _who_is_asked(
    *, document: Document, actor: User, reviewers: Sequence[User], departments: Sequence[Department]
) -> list[_Asked]:
    """The requests of a new round, checked: active people cleared for the document, departments
    with a head who answers for them, nobody twice and never the drafter."""
    fields: dict[str, list[str]] = {}
    asked: dict[int, _Asked] = {}
    for department in departments:
        head = department.head
        if not department.is_active or head is None or not head.is_active:
            fields.setdefault("departments", []).append(
                _("%(department)s has no head to answer for it; ask a person there instead.")
                % {"department": department.name}
            )
            continue
        asked.setdefault(head.pk, _Asked(head, department))
    for person in reviewers:
        asked.setdefault(person.pk, _Asked(person, None))
    if not asked and not fields:
        raise ValidationError(
            _("Name at least one reviewer or department."),
            fields={"reviewers": [_("Name at least one reviewer or department.")]},
        )
    if actor.pk in asked:
        fields.setdefault("reviewers", []).append(_("You drafted this document; ask others for their views."))
    inactive = [a.reviewer for a in asked.values() if not a.reviewer.is_active]
    if inactive:
        fields.setdefault("reviewers", []).append(_("No longer active: %(names)s.") % {"names": _names(inactive)})
    uncleared = [
        a.reviewer for a in asked.values() if not Classification.allows(a.reviewer.clearance, document.classification)
    ]
    if uncleared:
        fields.setdefault("reviewers", []).append(
            _("Not cleared for %(level)s material: %(names)s.")
            % {"level": Classification(document.classification).label, "names": _names(uncleared)}
        )
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    return list(asked.values())


@transaction.atomic
def comment_round_open(
    *,
    document: Document,
    actor: User,
    reviewers: Sequence[User],
    departments: Sequence[Department] = (),
    due_at: datetime | None = None,
    instructions: str = "",
) -> CommentRound:
    """Ask ``reviewers`` and ``departments`` (answered by their heads) for their views on the
    current version, due at ``due_at`` (default: 7 working days). The drafter only, while the
    document is a draft or being revised, one round at a time."""
    locked = _lock_document(document)
    _require_drafter(locked, actor, _("Only the drafter asks for comments on the draft."))
    if not locked.is_editable:
        raise Conflict(
            _("The document is %(status)s; comments are asked for while it is being drafted.")
            % {"status": locked.get_status_display()},
            code="invalid_state",
        )
    if CommentRound.objects.filter(document=locked, status=RoundStatus.OPEN).exists():
        raise Conflict(_("A comment round is already open; close it before starting another."), code="round_open")
    instructions = (instructions or "").strip()
    if len(instructions) > MAX_TEXT:
        raise ValidationError(
            _("The instructions are too long."),
            fields={"instructions": [_("At most %(n)d characters.") % {"n": MAX_TEXT}]},
        )
    due_at = due_at or default_due_at()
    if timezone.is_naive(due_at):
        raise ValidationError(_("The due time must carry a time zone."), fields={"due_at": [_("Give a time zone.")]})
    if due_at <= timezone.now():
        raise ValidationError(
            _("The deadline has already passed."), fields={"due_at": [_("Choose a time in the future.")]}
        )
    asked = _who_is_asked(document=locked, actor=actor, reviewers=reviewers, departments=departments)
    number = (CommentRound.objects.filter(document=locked).aggregate(n=Max("number"))["n"] or 0) + 1
    round_ = CommentRound.objects.create(
        document=locked,
        number=number,
        version=locked.version,
        instructions=instructions,
        due_at=due_at,
        created_by=actor,
    )
    access_grant(document=locked, users=[a.reviewer for a in asked], reason=AccessReason.REVIEWER)
    for a in asked:
        request = CommentRequest.objects.create(round=round_, reviewer=a.reviewer, department=a.department)
        workitem_open(
            assignee=a.reviewer,
            kind=WorkItemKind.COMMENT_REQUEST,
            target=request,
            title=locked.title,
            due_at=due_at,
            urgency=locked.urgency,
            classification=locked.classification,
            assigned_by=actor,
        )
    audit_record(
        actor=actor,
        verb="document.comment_round_open",
        target=locked,
        data={
            "round": round_.pk,
            "number": number,
            "version": locked.version,
            "reviewers": [a.reviewer.pk for a in asked],
            "departments": [a.department.pk for a in asked if a.department is not None],
            "due_at": due_at.isoformat(),
        },
    )
    return round_


def check_reviewers_cleared(*, document: Document, classification: str) -> None:
    """Refuse raising a document's classification above what a reviewer of an open round (or the
    delegate answering for a department) is cleared for (``drafting.document_update`` asks)."""
    requests = CommentRequest.objects.filter(round__document=document, round__status=RoundStatus.OPEN).select_related(
        "reviewer", "delegate"
    )
    people: dict[int, User] = {}
    for request in requests:
        for person in (request.reviewer, request.delegate):
            if person is not None and not Classification.allows(person.clearance, classification):
                people[person.pk] = person
    if people:
        names = _names(list(people.values()))
        raise ValidationError(
            _("%(names)s, asked for comments in the open round, would no longer be cleared to read it.")
            % {"names": names},
            fields={
                "classification": [
                    _("Close the comment round first, or keep the classification up to %(names)s's clearance.")
                    % {"names": names}
                ]
            },
        )


def _lock_request(request: CommentRequest) -> tuple[CommentRound, CommentRequest]:
    """The round, then the request, both locked (always in this order)."""
    round_ = CommentRound.objects.select_for_update().select_related("document").get(pk=request.round_id)
    locked = CommentRequest.objects.select_for_update().get(pk=request.pk)
    return round_, locked


def _refuse_unless_pending(round_: CommentRound, request: CommentRequest) -> None:
    if request.status == RequestStatus.ANSWERED:
        raise Conflict(_("This request has already been answered."), code="already_answered")
    if round_.status != RoundStatus.OPEN or request.status != RequestStatus.PENDING:
        raise Conflict(_("The comment round is closed; answers are no longer taken."), code="round_closed")


@transaction.atomic
def comment_request_delegate(*, request: CommentRequest, actor: User, delegate: User) -> CommentRequest:
    """The head of a department asked hands the answer to someone of that department (or takes
    it back by naming themselves); the work item moves with it."""
    round_, locked = _lock_request(request)
    if locked.department_id is None:
        raise PermissionDenied(_("Only a request to a department can be handed to someone else."), code="not_delegable")
    if actor.pk != locked.reviewer_id:
        raise PermissionDenied(_("Only the head answering for the department hands the answer on."), code="not_head")
    _refuse_unless_pending(round_, locked)
    document = round_.document
    problem = None
    if delegate.pk == locked.reviewer_id:
        problem = None  # the head takes the answer back
    elif delegate.department_id != locked.department_id:
        problem = _("%(name)s is not in the department asked.") % {"name": delegate.display_name}
    elif not delegate.is_active:
        problem = _("%(name)s is no longer active.") % {"name": delegate.display_name}
    elif not Classification.allows(delegate.clearance, document.classification):
        problem = _("%(name)s is not cleared for %(level)s material.") % {
            "name": delegate.display_name,
            "level": Classification(document.classification).label,
        }
    elif delegate.pk == document.drafter_id:
        problem = _("%(name)s drafted the document.") % {"name": delegate.display_name}
    if problem:
        raise ValidationError(problem, fields={"delegate": [problem]})
    new_delegate = None if delegate.pk == locked.reviewer_id else delegate
    holder_id = locked.delegate_id or locked.reviewer_id
    if holder_id == delegate.pk:
        return locked  # already with them: nothing to move
    locked.delegate = new_delegate
    locked.save(update_fields=["delegate"])
    access_grant(document=document, users=[delegate], reason=AccessReason.REVIEWER)
    for item in workitems_open_for_target(target=locked, kind=WorkItemKind.COMMENT_REQUEST):
        workitem_reassign(item=item, to=delegate, actor=actor, reason=_("Answer delegated"))
    audit_record(
        actor=actor,
        verb="document.comment_delegate",
        target=locked,
        data={"delegate": delegate.pk, "document": document.pk},
    )
    return locked


def _squash(text: str) -> str:
    """Text with every run of white space as one space (a selection across lines still matches)."""
    return " ".join(text.split())


def _clean_opinions(opinions: Sequence[Any], *, version_text: str) -> list[tuple[str, str]]:
    if len(opinions) > MAX_OPINIONS:
        raise ValidationError(
            _("Too many opinion points."), fields={"opinions": [_("At most %(n)d points.") % {"n": MAX_OPINIONS}]}
        )
    fields: dict[str, list[str]] = {}
    cleaned: list[tuple[str, str]] = []
    searchable = _squash(version_text)
    for index, point in enumerate(opinions):
        if not isinstance(point, dict):
            fields[f"opinions.{index}"] = [_("Give the point as text with an optional quote.")]
            continue
        text = str(point.get("text") or "").strip()
        quote = str(point.get("quote") or "").strip()
        if not text:
            fields[f"opinions.{index}.text"] = [_("Write the point.")]
        elif len(text) > MAX_TEXT:
            fields[f"opinions.{index}.text"] = [_("At most %(n)d characters.") % {"n": MAX_TEXT}]
        if quote and _squash(quote) not in searchable:
            fields[f"opinions.{index}.quote"] = [
                _("The quoted passage is not in the version asked about; copy it from the draft.")
            ]
        cleaned.append((text, quote))
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    return cleaned


@transaction.atomic
def comment_request_respond(
    *, request: CommentRequest, actor: User, stance: str, opinions: Sequence[Any] = ()
) -> CommentRequest:
    """The reviewer (or the delegate answering for a department) answers, once, while the round is
    open: a stance and opinion points, each optionally quoting the version asked about."""
    round_, locked = _lock_request(request)
    if actor.pk not in {locked.reviewer_id, locked.delegate_id}:
        raise PermissionDenied(_("This request is not yours to answer."), code="not_reviewer")
    _refuse_unless_pending(round_, locked)
    if stance not in Stance.values:
        raise ValidationError(_("Choose a stance."), fields={"stance": [_("Choose a stance.")]})
    version = DocumentVersion.objects.filter(document_id=round_.document_id, number=round_.version).first()
    version_text = body_text.plain_text(version.body) if version is not None else ""
    points = _clean_opinions(opinions, version_text=version_text)
    if stance in STANCES_NEEDING_POINTS and not points:
        raise ValidationError(
            _("Say what should change: “%(stance)s” needs at least one opinion point.")
            % {"stance": Stance(stance).label},
            fields={"opinions": [_("Add at least one point.")]},
        )
    now = timezone.now()
    Opinion.objects.bulk_create(
        [Opinion(request=locked, order=i, text=text, quote=quote) for i, (text, quote) in enumerate(points)]
    )
    locked.status, locked.stance, locked.answered_by, locked.answered_at = RequestStatus.ANSWERED, stance, actor, now
    locked.save(update_fields=["status", "stance", "answered_by", "answered_at"])
    workitems_settle_for_target(target=locked, outcome="answered", actor=actor)
    if points:
        index_document(round_.document)  # the opinions are searchable with the document
    audit_record(
        actor=actor,
        verb="document.comment_respond",
        target=locked,
        data={"document": round_.document_id, "stance": stance, "opinions": len(points)},
    )
    if not CommentRequest.objects.filter(round=round_, status=RequestStatus.PENDING).exists():
        # Everyone asked has answered: nothing is left to wait for, so the round closes itself.
        _close(round_, actor=actor, automatic=True)
    return locked


def _close(round_: CommentRound, *, actor: User, automatic: bool = False) -> int:
    """Close a locked open round: the pending requests become ``no_answer``; returns how many."""
    pending = list(CommentRequest.objects.filter(round=round_, status=RequestStatus.PENDING))
    if pending:
        CommentRequest.objects.filter(pk__in=[r.pk for r in pending]).update(status=RequestStatus.NO_ANSWER)
        for request in pending:
            workitems_settle_for_target(
                target=request, status=WorkItemStatus.CANCELLED, outcome=NO_ANSWER_OUTCOME, actor=actor
            )
    now = timezone.now()
    round_.status, round_.closed_at = RoundStatus.CLOSED, now
    round_.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=None if automatic else actor,
        verb="document.comment_round_close",
        target=round_.document,
        data={"round": round_.pk, "no_answer": [r.reviewer_id for r in pending], "automatic": automatic},
    )
    sync_handling_task(document=round_.document)
    return len(pending)


@transaction.atomic
def comment_round_close(*, round: CommentRound, actor: User) -> CommentRound:
    """The drafter closes an open round; whoever has not answered is recorded as "no answer"."""
    locked = CommentRound.objects.select_for_update().select_related("document").get(pk=round.pk)
    _require_drafter(locked.document, actor, _("Only the drafter closes a comment round."))
    if locked.status != RoundStatus.OPEN:
        raise Conflict(_("The comment round is already closed."), code="round_closed")
    _close(locked, actor=actor)
    return locked


@transaction.atomic
def opinion_handle(*, opinion: Opinion, actor: User, handling: str, note: str = "") -> Opinion:
    """The drafter records how a point was handled: adopted, partly adopted or not adopted (the
    last two with a reason). It can be changed while the document is being drafted or revised."""
    request = CommentRequest.objects.select_related("round").get(pk=opinion.request_id)
    document = _lock_document(request.round.document)
    _require_drafter(document, actor, _("Only the drafter records how opinions were handled."))
    if not document.is_editable:
        raise Conflict(
            _("The document is %(status)s; the handling of opinions can no longer change.")
            % {"status": document.get_status_display()},
            code="invalid_state",
        )
    if handling not in Handling.values:
        raise ValidationError(_("Choose how the point was handled."), fields={"handling": [_("Choose one.")]})
    note = (note or "").strip()
    if handling != Handling.ADOPTED and not note:
        raise ValidationError(
            _("Say why the point was not (fully) adopted."),
            fields={"note": [_("A reason is required unless the point is adopted.")]},
        )
    if len(note) > MAX_TEXT:
        raise ValidationError(
            _("The note is too long."), fields={"note": [_("At most %(n)d characters.") % {"n": MAX_TEXT}]}
        )
    locked = Opinion.objects.select_for_update().get(pk=opinion.pk)
    previous = locked.handling
    locked.handling, locked.note, locked.handled_by, locked.handled_at = handling, note, actor, timezone.now()
    locked.save(update_fields=["handling", "note", "handled_by", "handled_at"])
    audit_record(
        actor=actor,
        verb="document.opinion_handle",
        target=document,
        data={"opinion": locked.pk, "handling": handling, "previous": previous},
    )
    sync_handling_task(document=document)
    return locked


# --- The drafter's "handle the opinions" task -----------------------------------------------------


def _unhandled(document: Document) -> Any:
    return Opinion.objects.filter(request__round__document=document, handling="")


def _handling_tasks(document: Document, drafter: User) -> Any:
    """The drafter's open "handle the opinions" items. The approval stage gives the drafter other
    TASK items on the document too ("revise", assigned by an approver); this one is the system's
    own, without an assigner, and only it is opened and settled here."""
    return workitems_open_for_target(target=document, assignee=drafter, kind=WorkItemKind.TASK).filter(
        assigned_by__isnull=True
    )


def sync_handling_task(*, document: Document) -> None:
    """One open task for the drafter while points of closed rounds are unhandled; none otherwise."""
    waiting = _unhandled(document).filter(request__round__status=RoundStatus.CLOSED).exists()
    drafter = User.objects.get(pk=document.drafter_id)
    open_items = list(_handling_tasks(document, drafter))
    if waiting and not open_items:
        workitem_open(
            assignee=drafter,
            kind=WorkItemKind.TASK,
            target=document,
            title=_("Handle the comments on %(title)s") % {"title": document.title},
            urgency=document.urgency,
            classification=document.classification,
        )
    elif open_items and not _unhandled(document).exists():
        for item in open_items:
            workitem_complete(item=item, outcome="opinions_handled")


# --- What the approval stage asks -----------------------------------------------------------------


def unresolved_disagreements(document: Document) -> int:
    """Requests answered "disagree" whose points are not all adopted (the 不同意 an approver must see)."""
    not_adopted = Opinion.objects.filter(request=OuterRef("pk")).exclude(handling=Handling.ADOPTED)
    return (
        CommentRequest.objects.filter(round__document=document, stance=Stance.DISAGREE)
        .filter(Exists(not_adopted))
        .count()
    )


def blocking_reason(document: Document) -> str | None:
    """Why the document cannot be submitted for approval yet (an open round, unhandled points), or None."""
    if CommentRound.objects.filter(document=document, status=RoundStatus.OPEN).exists():
        return _("A comment round is still open; close it before submitting the document.")
    unhandled = _unhandled(document).count()
    if unhandled:
        return ngettext(
            "%(n)d opinion point has not been handled yet; record whether it was adopted.",
            "%(n)d opinion points have not been handled yet; record whether each was adopted.",
            unhandled,
        ) % {"n": unhandled}
    return None
