"""Turns ledger events into notifications, in the same transaction as the event."""

from typing import Any

from notifications.messages import msgid
from notifications.models import NotificationKind
from notifications.services import notification_create

from .models import WorkItem, WorkItemKind
from .reminders import schedule_item
from .signals import workitem_opened, workitem_reassigned, workitems_cancelled


def _target(item: WorkItem) -> tuple[int, int]:
    # Notifications point at the domain object, like the work item does, without loading it.
    return (item.target_type_id, item.target_id)


def _notify_assigned(item: WorkItem) -> None:
    # Stored as a message key with parameters, rendered in the reader's language when shown.
    notification_create(
        recipient=item.assignee,
        kind=NotificationKind.ASSIGNED,
        message="workitem.assigned",
        params={"title": item.title, "kind": msgid(WorkItemKind(item.kind).label)},
        classification=item.classification,
        target_ref=_target(item),
        actor=item.assigned_by,
    )


def on_opened(sender: Any, item: WorkItem, **kwargs: Any) -> None:
    schedule_item(item)
    if item.assigned_by_id != item.assignee_id:
        _notify_assigned(item)


def on_reassigned(sender: Any, item: WorkItem, previous_assignee: Any, actor: Any = None, **kwargs: Any) -> None:
    # The new holder starts the reminder cycle afresh (escalation was reset by the ledger).
    schedule_item(item)
    _notify_assigned(item)
    notification_create(
        recipient=previous_assignee,
        kind=NotificationKind.CHANGED,
        message="workitem.passed_on",
        params={"title": item.title, "name": item.assignee.display_name},
        classification=item.classification,
        target_ref=_target(item),
        actor=actor,
    )


def on_cancelled(sender: Any, items: list[WorkItem], actor: Any = None, reason: str = "", **kwargs: Any) -> None:
    for item in items:
        notification_create(
            recipient=item.assignee,
            kind=NotificationKind.CANCELLED,
            message="workitem.withdrawn",
            params={"title": item.title, "note": reason},
            classification=item.classification,
            target_ref=_target(item),
            actor=actor,
        )


workitem_opened.connect(on_opened, dispatch_uid="workload.on_opened")
workitem_reassigned.connect(on_reassigned, dispatch_uid="workload.on_reassigned")
workitems_cancelled.connect(on_cancelled, dispatch_uid="workload.on_cancelled")
