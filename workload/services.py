"""Writes to the ledger. Coordination apps open and settle items only through these functions."""

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from core.enums import Classification, Priority, Urgency
from core.errors import Conflict, ValidationError

from .models import WorkItem, WorkItemKind, WorkItemStatus
from .reminders import schedule_item
from .signals import workitem_opened, workitem_reassigned, workitems_cancelled


@transaction.atomic
def workitem_open(
    *,
    assignee: User,
    kind: str,
    target: models.Model,
    title: str,
    due_at: datetime | None = None,
    priority: str = Priority.ROUTINE,
    urgency: str = Urgency.NORMAL,
    classification: str = Classification.INTERNAL,
    assigned_by: User | None = None,
) -> WorkItem:
    """Ask ``assignee`` to act on ``target``. The assignee is told (an ``assigned`` notification)."""
    if kind not in WorkItemKind.values:
        raise ValidationError(_("Unknown work item kind."), fields={"kind": [kind]})
    if not assignee.is_active:
        raise ValidationError(
            _("%(name)s is no longer active and cannot be given work.") % {"name": assignee.display_name},
            fields={"assignee": [_("Choose an active person.")]},
        )
    if due_at is not None and timezone.is_naive(due_at):
        raise ValidationError(_("The due time must carry a time zone."))
    item = WorkItem.objects.create(
        assignee=assignee,
        department_id=assignee.department_id,
        kind=kind,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        title=title[:300],
        due_at=due_at,
        priority=priority,
        urgency=urgency,
        classification=classification,
        assigned_by=assigned_by,
    )
    audit_record(
        actor=assigned_by,
        verb="workitem.open",
        target=item,
        data={"assignee": assignee.pk, "kind": kind, "due_at": due_at.isoformat() if due_at else None},
    )
    workitem_opened.send(sender=WorkItem, item=item)
    return item


def _settle(item: WorkItem, *, status: str, outcome: str, actor: Any) -> WorkItem:
    """Close one open item with a conditional update, so that it is settled exactly once."""
    now = timezone.now()
    updated = WorkItem.objects.filter(pk=item.pk, status=WorkItemStatus.OPEN).update(
        status=status, outcome=outcome, completed_at=now
    )
    if not updated:
        raise Conflict(_("This work item is already closed."), code="already_closed")
    item.status, item.outcome, item.completed_at = status, outcome, now
    audit_record(actor=actor, verb=f"workitem.{status}", target=item, data={"outcome": outcome})
    return item


@transaction.atomic
def workitem_complete(*, item: WorkItem, outcome: str = "done", actor: Any = None) -> WorkItem:
    """The assignee did what was asked (the domain action calls this)."""
    return _settle(item, status=WorkItemStatus.DONE, outcome=outcome, actor=actor)


@transaction.atomic
def workitem_cancel(*, item: WorkItem, reason: str = "", actor: Any = None) -> WorkItem:
    """Nobody needs the assignee to act any more (the target was withdrawn)."""
    _settle(item, status=WorkItemStatus.CANCELLED, outcome=reason[:64] or "cancelled", actor=actor)
    workitems_cancelled.send(sender=WorkItem, items=[item], actor=actor, reason=reason)
    return item


# Items addressed to their holder by name, never passed on: a leader bulletin is for the leader it
# was circulated to (only a recipient may open it and mark it read), so anyone else would hold an
# item they could neither open nor settle.
PERSONAL_KINDS = frozenset({WorkItemKind.BULLETIN})


@transaction.atomic
def workitem_reassign(*, item: WorkItem, to: User, actor: Any, reason: str = "") -> WorkItem:
    """Move an open item to another person (转办); the department follows the new assignee.
    409 for a closed item or one addressed to its holder personally (``PERSONAL_KINDS``)."""
    locked = WorkItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != WorkItemStatus.OPEN:
        raise Conflict(_("Only an open work item can be passed on."), code="already_closed")
    if locked.kind in PERSONAL_KINDS:
        raise Conflict(
            _("This item is addressed to its holder personally and cannot be passed on."), code="personal_item"
        )
    if not to.is_active:
        raise ValidationError(_("Choose an active person."), fields={"to": [_("Choose an active person.")]})
    if not Classification.allows(to.clearance, locked.classification):
        # The item carries its target's classification: never to someone not cleared for it.
        raise ValidationError(
            _("%(name)s is not cleared for this item's classification.") % {"name": to.display_name},
            fields={"to": [_("Choose someone cleared for it.")]},
        )
    if to.pk == locked.assignee_id:
        raise ValidationError(
            _("The item is already with %(name)s.") % {"name": to.display_name},
            fields={"to": [_("Choose someone else.")]},
        )
    previous_id, previous_department_id = locked.assignee_id, locked.department_id
    locked.assignee, locked.department_id = to, to.department_id
    locked.escalation_level = 0
    locked.save(update_fields=["assignee", "department", "escalation_level"])
    # The new holder starts the reminder cycle afresh: without a next moment the scanner would
    # never look at the item again. (The reminder engine is moving into workload; this is its
    # scheduling function wherever it lives.)
    schedule_item(locked)
    audit_record(
        actor=actor,
        verb="workitem.reassign",
        target=locked,
        data={
            "from": previous_id,
            "to": to.pk,
            # The departments it left and joined: a move between them is a pass-back on the
            # workload dashboards (workload.dashboards.REASSIGN_VERB).
            "from_department": previous_department_id,
            "to_department": to.department_id,
            "reason": reason,
            "next_reminder_at": locked.next_reminder_at.isoformat() if locked.next_reminder_at else None,
        },
    )
    workitem_reassigned.send(
        sender=WorkItem, item=locked, previous_assignee=User.objects.get(pk=previous_id), actor=actor
    )
    item.assignee, item.department_id, item.escalation_level = to, to.department_id, 0
    item.next_reminder_at = locked.next_reminder_at
    return locked


@transaction.atomic
def workitem_set_due(*, item: WorkItem, due_at: datetime | None, actor: Any, reason: str = "") -> WorkItem:
    """Move an open item's deadline; its reminders are scheduled afresh from the new one. Audited."""
    locked = WorkItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != WorkItemStatus.OPEN:
        raise Conflict(_("Only an open work item can be given a new deadline."), code="already_closed")
    if due_at is not None and timezone.is_naive(due_at):
        raise ValidationError(_("The due time must carry a time zone."))
    previous = locked.due_at
    locked.due_at, locked.escalation_level = due_at, 0
    locked.save(update_fields=["due_at", "escalation_level"])
    schedule_item(locked)
    audit_record(
        actor=actor,
        verb="workitem.set_due",
        target=locked,
        data={
            "from": previous.isoformat() if previous else None,
            "to": due_at.isoformat() if due_at else None,
            "reason": reason,
        },
    )
    item.due_at, item.escalation_level, item.next_reminder_at = due_at, 0, locked.next_reminder_at
    return locked


@transaction.atomic
def workitems_reclassify_for_target(*, target: models.Model, classification: str) -> int:
    """Every item on ``target``, open and closed, takes its new classification (in the caller's
    transaction); returns how many items there are. The item carries its target's classification."""
    if classification not in Classification.values:
        raise ValidationError(_("Unknown classification."), fields={"classification": [classification]})
    items = WorkItem.objects.filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)
    items.exclude(classification=classification).update(classification=classification)
    return items.count()


def _open_for(
    target: models.Model, *, assignee: User | None = None, kind: str | None = None
) -> models.QuerySet[WorkItem]:
    qs = WorkItem.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk, status=WorkItemStatus.OPEN
    )
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs


@transaction.atomic
def workitems_settle_for_target(
    *,
    target: models.Model,
    status: str = WorkItemStatus.DONE,
    outcome: str = "done",
    assignee: User | None = None,
    kind: str | None = None,
    actor: Any = None,
    notify: bool = True,
) -> list[WorkItem]:
    """Close every open item on ``target`` (optionally one person's, one kind's); returns them.

    Used when the domain object itself moves on (a matter confirmed, a round closed), so that the
    ledger never keeps a stale open item. Cancelled items are announced to their assignees as
    withdrawn, unless ``notify`` is false: the caller tells them itself (a meeting's cancellation
    notice), or there is nothing to tell (an invitation that lapsed when the meeting started).
    """
    if status not in (WorkItemStatus.DONE, WorkItemStatus.CANCELLED):
        raise ValidationError(_("Items are settled as done or cancelled."))
    items = list(_open_for(target, assignee=assignee, kind=kind).select_for_update())
    if not items:
        return []
    now = timezone.now()
    WorkItem.objects.filter(pk__in=[i.pk for i in items], status=WorkItemStatus.OPEN).update(
        status=status, outcome=outcome[:64], completed_at=now
    )
    for item in items:
        item.status, item.outcome, item.completed_at = status, outcome[:64], now
        audit_record(actor=actor, verb=f"workitem.{status}", target=item, data={"outcome": outcome})
    if status == WorkItemStatus.CANCELLED and notify:
        workitems_cancelled.send(sender=WorkItem, items=items, actor=actor, reason=outcome)
    return items


def workitems_open_for_target(
    *, target: models.Model, assignee: User | None = None, kind: str | None = None
) -> models.QuerySet[WorkItem]:
    """The open items on ``target`` (read helper for services that move a target along)."""
    return _open_for(target, assignee=assignee, kind=kind)
