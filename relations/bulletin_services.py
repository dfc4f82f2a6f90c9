"""Writes of leader bulletins (信息通报): the office circulates, a leader marks one read (已阅), the
office and the recipients reply.

Circulating opens one "read the bulletin" item (``WorkItemKind.BULLETIN``) per recipient, due in
``READ_WORKING_DAYS`` working days; it sits on the leader's desk until they mark the bulletin read
(opening the page does not count), which records the receipt and closes the item (outcome ``read``).
A reply tells the author and the other recipients (``info`` notifications).
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import is_leader, is_office_member
from accounts.models import User
from core import calendar
from core.audit import audit_record
from core.enums import Classification
from core.errors import PermissionDenied, ValidationError
from core.validators import LINE_BREAKS
from notifications import messages
from notifications.models import NotificationKind
from notifications.services import notification_create
from workload.models import WorkItemKind, WorkItemStatus
from workload.services import workitem_complete, workitem_open

from .bulletin_models import Bulletin, BulletinKind, BulletinRecipient, BulletinReply
from .models import CoordinationMatter
from .selectors import coordinations_visible

messages.register("bulletin.reply", "%(title)s", gettext_lazy("%(name)s replied to the bulletin."))

# A bulletin is read within this many working days (the recipients' items are due then).
READ_WORKING_DAYS = 2
MAX_TITLE = 200
MAX_TEXT = 20_000
MAX_RECIPIENTS = 100


def _text(value: str, *, field: str, limit: int, single_line: bool = False) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("This field is required."), fields={field: [_("This field is required.")]})
    if len(value) > limit:
        message = _("At most %(n)d characters.") % {"n": limit}
        raise ValidationError(message, fields={field: [message]})
    if single_line and any(ch in LINE_BREAKS for ch in value):
        message = _("Keep this to one line: remove the line breaks.")
        raise ValidationError(message, fields={field: [message]})
    return value


def _recipients(people: Sequence[User], classification: str) -> list[User]:
    """The chosen leaders, each once, or a 400 naming everyone who may not receive it."""
    unique: list[User] = []
    for person in people:
        if all(p.pk != person.pk for p in unique):
            unique.append(person)
    if not unique:
        raise ValidationError(
            _("Choose at least one leader."), fields={"recipients": [_("Choose at least one leader.")]}
        )
    if len(unique) > MAX_RECIPIENTS:
        message = _("At most %(n)d recipients.") % {"n": MAX_RECIPIENTS}
        raise ValidationError(message, fields={"recipients": [message]})
    problems = []
    for person in unique:
        if not is_leader(person):
            problems.append(_("%(name)s is not a leader.") % {"name": person.display_name})
        elif not person.is_active:
            problems.append(_("%(name)s is no longer active.") % {"name": person.display_name})
        elif not Classification.allows(person.clearance, classification):
            problems.append(_("%(name)s is not cleared for this classification.") % {"name": person.display_name})
    if problems:
        raise ValidationError(problems[0], fields={"recipients": problems})
    return unique


@transaction.atomic
def bulletin_circulate(
    *,
    actor: User,
    title: str,
    body: str,
    recipients: Sequence[User],
    kind: str = BulletinKind.OTHER,
    classification: str = Classification.INTERNAL,
    coordination: CoordinationMatter | None = None,
) -> Bulletin:
    """The office circulates a bulletin to leaders; each gets an item to read it. 403 outside the
    office; 400 naming the field for a missing text, a recipient who is not an active leader cleared
    for its classification, or a coordination matter the actor may not see."""
    if not is_office_member(actor):
        raise PermissionDenied(_("Only the office circulates bulletins to the leaders."), code="not_office")
    title = _text(title, field="title", limit=MAX_TITLE, single_line=True)
    body = _text(body, field="body", limit=MAX_TEXT)
    if kind not in BulletinKind.values:
        raise ValidationError(_("Unknown kind."), fields={"kind": [_("Choose one of the kinds.")]})
    if classification not in Classification.values:
        raise ValidationError(_("Unknown classification."), fields={"classification": [_("Choose a classification.")]})
    if not Classification.allows(actor.clearance, classification):
        raise ValidationError(
            _("You cannot circulate a bulletin above your own clearance."),
            fields={"classification": [_("Too high.")]},
        )
    if coordination is not None and not coordinations_visible(user=actor).filter(pk=coordination.pk).exists():
        raise ValidationError(
            _("Choose a coordination matter you can see."),
            fields={"coordination": [_("Choose a coordination matter you can see.")]},
        )
    leaders = _recipients(recipients, classification)
    bulletin = Bulletin.objects.create(
        title=title, body=body, kind=kind, classification=classification, author=actor, coordination=coordination
    )
    due_at = calendar.due_at_for(timezone.now(), working_days=READ_WORKING_DAYS)
    for leader in leaders:
        item = workitem_open(
            assignee=leader,
            kind=WorkItemKind.BULLETIN,
            target=bulletin,
            title=title,
            due_at=due_at,
            classification=classification,
            assigned_by=actor,
        )
        BulletinRecipient.objects.create(bulletin=bulletin, leader=leader, work_item=item)
    audit_record(
        actor=actor,
        verb="bulletin.circulate",
        target=bulletin,
        data={"recipients": [p.pk for p in leaders], "kind": kind, "coordination": getattr(coordination, "pk", None)},
    )
    return bulletin


@transaction.atomic
def bulletin_read(*, actor: User, bulletin: Bulletin) -> BulletinRecipient:
    """A recipient marks the bulletin read (已阅): the receipt is recorded and their item closed.
    Marking it again changes nothing. 403 for anyone who is not a recipient."""
    receipt = (
        BulletinRecipient.objects.select_for_update(of=("self",))
        .select_related("work_item")
        .filter(bulletin=bulletin, leader=actor)
        .first()
    )
    if receipt is None:
        raise PermissionDenied(_("Only the bulletin's recipients mark it read."), code="not_recipient")
    if receipt.read_at is not None:
        return receipt
    receipt.read_at = timezone.now()
    receipt.save(update_fields=["read_at"])
    item = receipt.work_item
    if item is not None and item.status == WorkItemStatus.OPEN:
        workitem_complete(item=item, outcome="read", actor=actor)
    audit_record(actor=actor, verb="bulletin.read", target=bulletin, data={})
    return receipt


@transaction.atomic
def bulletin_reply(*, actor: User, bulletin: Bulletin, text: str) -> BulletinReply:
    """A recipient or the office answers on the bulletin; the author and the other recipients are
    told. 403 for anyone else, 400 without a text."""
    recipients = list(BulletinRecipient.objects.filter(bulletin=bulletin).select_related("leader"))
    if not (is_office_member(actor) or any(r.leader_id == actor.pk for r in recipients)):
        raise PermissionDenied(_("Only the office and the bulletin's recipients reply."), code="not_recipient")
    text = _text(text, field="text", limit=MAX_TEXT)
    reply = BulletinReply.objects.create(bulletin=bulletin, author=actor, text=text)
    told = {actor.pk}
    for person in [bulletin.author, *(r.leader for r in recipients)]:
        if person.pk in told or not person.is_active:
            continue
        told.add(person.pk)
        notification_create(
            recipient=person,
            kind=NotificationKind.INFO,
            message="bulletin.reply",
            params={"title": bulletin.title, "name": actor.display_name},
            target=bulletin,
            actor=actor,
            classification=bulletin.classification,
        )
    audit_record(actor=actor, verb="bulletin.reply", target=bulletin, data={"reply": reply.pk})
    return reply


def bulletin_actions(*, user: Any, bulletin: Bulletin) -> dict[str, bool]:
    """What the person may do on the (prefetched) bulletin's page."""
    receipt = next((r for r in bulletin.recipients.all() if r.leader_id == getattr(user, "pk", None)), None)
    return {
        "may_read": receipt is not None and receipt.read_at is None,
        "may_reply": receipt is not None or is_office_member(user),
    }
