"""Public feedback (群众意见): the services that move it along and the selectors that read it.

The state machine (``TRANSITIONS``): the office registers feedback (``registered``; the public page
registers it too, with channel web, when the office has opened it); the office routes it to a
department (``routed``): the handler (the department's head unless the office names a colleague of
that department) gets a FEEDBACK work item due at the reply deadline, which the reminder engine
urges. The office may re-route it elsewhere: the old item is cancelled with the pass-back outcome
``rerouted``. The handler, or the routed department's head, replies (``answered``): the item is
closed with ``answered`` and the office is told. The office closes it with the submitter's
satisfaction (``closed``), or sends it back for a better reply (``routed`` again, a new item).

Deadlines (DOMAIN.md C2, settings ``FEEDBACK_*``): 受理告知 ``acknowledge_by`` counted from receipt;
the reply is due ``FEEDBACK_REPLY_DAYS`` working days after routing unless the office sets a date,
never later than the statutory cap (办理, ``FEEDBACK_STATUTORY_DAYS`` from receipt). The statutory
figures are counted in working or calendar days as ``FEEDBACK_DAY_COUNTING`` says.

Visibility (``feedback_visibility``, the one rule, registered with ``workload.targets``): the office
sees all; the routed department's head, the handler and whoever holds the handler's item see
theirs; anyone else gets 404. The submitter's personal fields are for the office and the handler.
"""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import headed_department_ids, is_office_member, office_department, office_heads
from accounts.models import Department, User
from core import calendar
from core.audit import audit_record
from core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from notifications import messages
from notifications.models import NotificationKind
from notifications.services import notification_create
from workload.models import WorkItemKind, WorkItemStatus
from workload.services import workitem_open, workitems_settle_for_target

from .feedback_models import (
    Feedback,
    FeedbackCategory,
    FeedbackChannel,
    FeedbackCounter,
    FeedbackStatus,
    Satisfaction,
)

# action -> the states it may start from
TRANSITIONS: dict[str, frozenset[str]] = {
    "route": frozenset({FeedbackStatus.REGISTERED, FeedbackStatus.ROUTED}),
    "reply": frozenset({FeedbackStatus.ROUTED}),
    "close": frozenset({FeedbackStatus.ANSWERED}),
    "send_back": frozenset({FeedbackStatus.ANSWERED}),
}

_REFUSALS = {
    FeedbackStatus.REGISTERED: gettext_lazy("The feedback has not been routed to a department yet."),
    FeedbackStatus.ROUTED: gettext_lazy("The feedback is waiting for the department's reply."),
    FeedbackStatus.ANSWERED: gettext_lazy("The feedback is answered and waits for the office to close it."),
    FeedbackStatus.CLOSED: gettext_lazy("The feedback is already closed."),
}

messages.register("feedback.registered", "%(number)s %(subject)s", gettext_lazy("New public feedback was submitted."))
messages.register("feedback.answered", "%(number)s %(subject)s", gettext_lazy("The department has replied."))

MAX_TEXT = 20_000
# The pass-back outcome of a handler's item taken away by a re-route: the dashboards count it for the
# department it left (``workload.dashboards.PASS_BACKS``).
REROUTED = "rerouted"
NUMBER_FORMAT = "{year}-{n:04d}"


# --- Deadlines ------------------------------------------------------------------------------------


def _add_days(start: date, days: int) -> date:
    """``days`` after ``start`` in the configured counting (DOMAIN.md C2: "日" unverified)."""
    if settings.FEEDBACK_DAY_COUNTING == "calendar":
        return start + timedelta(days=days)
    return calendar.add_working_days(start, days)


def acknowledge_deadline(received_on: date) -> date:
    """受理告知: the day by which the submitter is told the feedback was accepted."""
    return _add_days(received_on, settings.FEEDBACK_ACKNOWLEDGE_DAYS)


def statutory_deadline(received_on: date) -> date:
    """办理: the cap no reply date may pass."""
    return _add_days(received_on, settings.FEEDBACK_STATUTORY_DAYS)


def default_due_on(received_on: date, routed_on: date) -> date:
    """``FEEDBACK_REPLY_DAYS`` working days after routing, within the statutory cap."""
    return min(calendar.add_working_days(routed_on, settings.FEEDBACK_REPLY_DAYS), statutory_deadline(received_on))


# --- Reads ----------------------------------------------------------------------------------------


def feedback_visibility(user: Any) -> Q:
    """The condition feedback must meet to be visible to ``user`` (the one rule)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if is_office_member(user):
        return Q()
    condition = Q(handler=user) | Q(work_item__assignee=user, work_item__status=WorkItemStatus.OPEN)
    headed = headed_department_ids(user)
    if headed:
        condition |= Q(department_id__in=headed)
    return condition


def feedback_visible(*, user: Any) -> QuerySet[Feedback]:
    return Feedback.objects.filter(feedback_visibility(user))


def feedback_register(*, user: Any) -> QuerySet[Feedback]:
    """The register (登记簿): visible feedback, newest first, with the people and department shown."""
    return (
        feedback_visible(user=user)
        .select_related("department", "handler", "registered_by", "work_item")
        .order_by("-id")
    )


def feedback_get(*, user: Any, pk: int) -> Feedback:
    """One visible piece of feedback, or 404."""
    found = (
        feedback_visible(user=user)
        .select_related("department__head", "handler", "registered_by", "replied_by", "work_item__assignee")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def overdue_condition(today: date | None = None) -> Q:
    """Open feedback past its deadline: not routed by the 受理告知 date, or not answered by the due date."""
    today = today or timezone.localdate()
    return Q(status=FeedbackStatus.REGISTERED, acknowledge_by__lt=today) | Q(
        status=FeedbackStatus.ROUTED, due_on__lt=today
    )


def is_overdue(feedback: Feedback, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    if feedback.status == FeedbackStatus.REGISTERED:
        return feedback.acknowledge_by < today
    return feedback.status == FeedbackStatus.ROUTED and feedback.due_on is not None and feedback.due_on < today


def shows_submitter(user: Any, feedback: Feedback) -> bool:
    """The submitter's personal fields: for the office and the handler (or the item's holder)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if feedback.handler_id == user.pk:
        return True
    item = feedback.work_item
    if item is not None and item.status == WorkItemStatus.OPEN and item.assignee_id == user.pk:
        return True
    return is_office_member(user)


def may_reply(user: Any, feedback: Feedback) -> bool:
    """The handler, the routed department's head, or whoever holds the handler's open item."""
    if not getattr(user, "is_authenticated", False) or feedback.status != FeedbackStatus.ROUTED:
        return False
    if feedback.handler_id == user.pk or (
        feedback.department_id is not None and feedback.department_id in headed_department_ids(user)
    ):
        return True
    item = feedback.work_item
    return item is not None and item.status == WorkItemStatus.OPEN and item.assignee_id == user.pk


def feedback_actions(*, user: Any, feedback: Feedback) -> dict[str, bool]:
    """What the person may do on the page."""
    office = is_office_member(user)
    return {
        "route": office and feedback.status in TRANSITIONS["route"],
        "reply": may_reply(user, feedback),
        "close": office and feedback.status in TRANSITIONS["close"],
        "send_back": office and feedback.status in TRANSITIONS["send_back"],
    }


# --- Writes ---------------------------------------------------------------------------------------


def _text(value: str | None, *, field: str, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("This field is required."), fields={field: [_("This field is required.")]})
    if len(value) > limit:
        message = _("At most %(n)d characters.") % {"n": limit}
        raise ValidationError(message, fields={field: [message]})
    return value


def _choice(value: str, choices: type[models.TextChoices], *, field: str) -> str:
    if value not in choices.values:
        message = _("Choose one of the listed values.")
        raise ValidationError(message, fields={field: [message]})
    return value


def _lock(feedback: Feedback, action: str) -> Feedback:
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if locked.status not in TRANSITIONS[action]:
        raise Conflict(str(_REFUSALS[FeedbackStatus(locked.status)]), code=f"feedback_{locked.status}")
    return locked


def _require_office(actor: Any, message: str) -> None:
    if not is_office_member(actor):
        raise PermissionDenied(message, code="not_office")


def _next_number(year: int) -> str:
    """The next reference number of ``year``, gap-free: the counter row stays locked until the
    registration commits (a failed registration rolls its number back with it)."""
    try:
        with transaction.atomic():
            FeedbackCounter.objects.get_or_create(year=year)
    except IntegrityError:  # another registration created the year's row a moment ago
        pass
    counter = FeedbackCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return NUMBER_FORMAT.format(year=year, n=counter.last)


def _office_people() -> list[User]:
    """Who hears for the office: its heads, or without one its active members."""
    people = list(office_heads())
    if not people:
        department = office_department()
        people = list(department.members.filter(is_active=True)) if department is not None else []
    return people


def _tell_office(feedback: Feedback, *, message: str, actor: Any) -> None:
    for person in _office_people():
        if getattr(actor, "pk", None) == person.pk:
            continue
        notification_create(
            recipient=person,
            kind=NotificationKind.INFO,
            message=message,
            params={"number": feedback.number, "subject": feedback.subject},
            target=feedback,
            actor=actor if isinstance(actor, User) else None,
        )


def _create(
    *,
    actor: User | None,
    channel: str,
    subject: str,
    content: str,
    category: str,
    received_on: date,
    anonymous: bool,
    submitter_name: str,
    submitter_phone: str,
    submitter_address: str,
) -> Feedback:
    channel = _choice(channel, FeedbackChannel, field="channel")
    category = _choice(category, FeedbackCategory, field="category")
    subject = _text(subject, field="subject", required=True, limit=200)
    content = _text(content, field="content", required=True, limit=MAX_TEXT)
    if received_on > timezone.localdate():
        raise ValidationError(
            _("The feedback cannot be received in the future."), fields={"received_on": [_("Choose today or earlier.")]}
        )
    if anonymous:
        submitter_name = submitter_phone = submitter_address = ""
    feedback = Feedback.objects.create(
        number=_next_number(timezone.localdate().year),
        channel=channel,
        anonymous=anonymous,
        submitter_name=_text(submitter_name, field="submitter_name", required=False, limit=100),
        submitter_phone=_text(submitter_phone, field="submitter_phone", required=False, limit=40),
        submitter_address=_text(submitter_address, field="submitter_address", required=False, limit=300),
        subject=subject,
        content=content,
        category=category,
        received_on=received_on,
        registered_by=actor,
        acknowledge_by=acknowledge_deadline(received_on),
    )
    audit_record(
        actor=actor,
        verb="feedback.register",
        target=feedback,
        data={"number": feedback.number, "channel": channel, "category": category},
    )
    return feedback


@transaction.atomic
def feedback_register_entry(
    *,
    actor: User,
    channel: str,
    subject: str,
    content: str,
    category: str,
    received_on: date | None = None,
    anonymous: bool = False,
    submitter_name: str = "",
    submitter_phone: str = "",
    submitter_address: str = "",
) -> Feedback:
    """The office registers feedback it received (403 for anyone else); numbered gap-free per year."""
    _require_office(actor, _("Public feedback is registered by the office."))
    return _create(
        actor=actor,
        channel=channel,
        subject=subject,
        content=content,
        category=category,
        received_on=received_on or timezone.localdate(),
        anonymous=anonymous,
        submitter_name=submitter_name,
        submitter_phone=submitter_phone,
        submitter_address=submitter_address,
    )


@transaction.atomic
def feedback_submit_public(
    *,
    subject: str,
    content: str,
    category: str,
    anonymous: bool = False,
    submitter_name: str = "",
    submitter_phone: str = "",
    submitter_address: str = "",
) -> Feedback:
    """Someone outside submits through the public page: channel web, received today; the office hears."""
    feedback = _create(
        actor=None,
        channel=FeedbackChannel.WEB,
        subject=subject,
        content=content,
        category=category,
        received_on=timezone.localdate(),
        anonymous=anonymous,
        submitter_name=submitter_name,
        submitter_phone=submitter_phone,
        submitter_address=submitter_address,
    )
    _tell_office(feedback, message="feedback.registered", actor=None)
    return feedback


def _handler_for(department: Department, handler: User | None) -> User:
    if not department.is_active:
        raise ValidationError(
            _("%(name)s is no longer active.") % {"name": department.name},
            fields={"department": [_("Choose an active department.")]},
        )
    if handler is None:
        head = department.head
        if head is None or not head.is_active:
            raise ValidationError(
                _("%(name)s has no active head; name a handler of that department.") % {"name": department.name},
                fields={"handler": [_("Name a handler.")]},
            )
        return head
    if handler.department_id != department.pk and handler.pk != department.head_id:
        raise ValidationError(
            _("%(person)s does not work in %(name)s.") % {"person": handler.display_name, "name": department.name},
            fields={"handler": [_("Choose a person of the routed department.")]},
        )
    if not handler.is_active:
        raise ValidationError(_("Choose an active person."), fields={"handler": [_("Choose an active person.")]})
    return handler


def _due_on(feedback: Feedback, due_on: date | None) -> date:
    today = timezone.localdate()
    cap = statutory_deadline(feedback.received_on)
    if due_on is None:
        return default_due_on(feedback.received_on, today)
    if due_on < today:
        raise ValidationError(
            _("The reply date %(d)s has already passed.") % {"d": due_on.isoformat()},
            fields={"due_on": [_("Choose today or a later day.")]},
        )
    if due_on > cap:
        message = _("The reply date may not be later than the statutory deadline %(d)s.") % {"d": cap.isoformat()}
        raise ValidationError(message, fields={"due_on": [message]})
    return due_on


def _open_item(feedback: Feedback, *, actor: User) -> None:
    assert feedback.handler is not None and feedback.due_on is not None  # noqa: S101 (set by the caller)
    feedback.work_item = workitem_open(
        assignee=feedback.handler,
        kind=WorkItemKind.FEEDBACK,
        target=feedback,
        title=f"{feedback.number} {feedback.subject}",
        due_at=calendar.end_of_working_day(feedback.due_on),
        assigned_by=actor,
    )


def _settle_item(feedback: Feedback, *, outcome: str, actor: Any, cancel: bool) -> None:
    workitems_settle_for_target(
        target=feedback,
        kind=WorkItemKind.FEEDBACK,
        status=WorkItemStatus.CANCELLED if cancel else WorkItemStatus.DONE,
        outcome=outcome,
        actor=actor,
    )


@transaction.atomic
def feedback_route(
    *,
    actor: User,
    feedback: Feedback,
    department: Department,
    handler: User | None = None,
    due_on: date | None = None,
) -> Feedback:
    """The office routes (交办) feedback to a department, or re-routes it: the handler gets an item due
    at the reply deadline. 403 outside the office, 400 for a handler outside the department or a date
    past the statutory cap, 409 once answered or closed."""
    _require_office(actor, _("Only the office routes public feedback."))
    locked = _lock(feedback, "route")
    person = _handler_for(department, handler)
    due = _due_on(locked, due_on)
    previous = locked.department_id
    if locked.status == FeedbackStatus.ROUTED:
        # Taken from its handler before a reply: a pass-back on the ledger.
        _settle_item(locked, outcome=REROUTED, actor=actor, cancel=True)
    locked.status, locked.department, locked.handler, locked.due_on = FeedbackStatus.ROUTED, department, person, due
    locked.routed_at = timezone.now()
    _open_item(locked, actor=actor)
    locked.save(update_fields=["status", "department", "handler", "due_on", "routed_at", "work_item"])
    audit_record(
        actor=actor,
        verb="feedback.reroute" if previous else "feedback.route",
        target=locked,
        data={"from": previous, "department": department.pk, "handler": person.pk, "due_on": due.isoformat()},
    )
    return locked


@transaction.atomic
def feedback_reply(*, actor: User, feedback: Feedback, reply: str) -> Feedback:
    """The handler (or the routed department's head) replies: answered, the item closed, the office told."""
    locked = _lock(feedback, "reply")
    if not may_reply(actor, locked):
        raise PermissionDenied(_("Only the handler or the head of the routed department replies."), code="not_handler")
    locked.reply = _text(reply, field="reply", required=True, limit=MAX_TEXT)
    locked.status, locked.replied_by, locked.replied_at = FeedbackStatus.ANSWERED, actor, timezone.now()
    locked.save(update_fields=["reply", "status", "replied_by", "replied_at"])
    _settle_item(locked, outcome="answered", actor=actor, cancel=False)
    audit_record(actor=actor, verb="feedback.reply", target=locked, data={"length": len(locked.reply)})
    _tell_office(locked, message="feedback.answered", actor=actor)
    return locked


@transaction.atomic
def feedback_close(*, actor: User, feedback: Feedback, satisfaction: str, note: str = "") -> Feedback:
    """The office closes answered feedback with the submitter's satisfaction."""
    _require_office(actor, _("Only the office closes public feedback."))
    locked = _lock(feedback, "close")
    locked.satisfaction = _choice(satisfaction, Satisfaction, field="satisfaction")
    locked.closing_note = _text(note, field="note", required=False, limit=MAX_TEXT)
    locked.status, locked.closed_at = FeedbackStatus.CLOSED, timezone.now()
    locked.save(update_fields=["satisfaction", "closing_note", "status", "closed_at"])
    audit_record(actor=actor, verb="feedback.close", target=locked, data={"satisfaction": locked.satisfaction})
    return locked


@transaction.atomic
def feedback_send_back(*, actor: User, feedback: Feedback, reason: str, due_on: date | None = None) -> Feedback:
    """The office wants a better reply: routed again to the same handler, with a new item."""
    _require_office(actor, _("Only the office sends a reply back."))
    locked = _lock(feedback, "send_back")
    reason = _text(reason, field="reason", required=True, limit=MAX_TEXT)
    handler = locked.handler
    if handler is None or not handler.is_active:
        raise ValidationError(
            _("The handler is no longer active; route the feedback again."), fields={"handler": [_("Route it again.")]}
        )
    if due_on is not None or locked.due_on is None or locked.due_on < timezone.localdate():
        locked.due_on = _due_on(locked, due_on)
    locked.status = FeedbackStatus.ROUTED
    _open_item(locked, actor=actor)
    locked.save(update_fields=["status", "due_on", "work_item"])
    audit_record(
        actor=actor,
        verb="feedback.send_back",
        target=locked,
        data={"reason": reason, "due_on": locked.due_on.isoformat() if locked.due_on else None},
    )
    return locked
