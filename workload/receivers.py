"""Turns ledger events into notifications, in the same transaction as the event."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from notifications.models import NotificationKind
from notifications.services import notification_create

from .models import WorkItem
from .reminders import schedule_item
from .signals import workitem_opened, workitem_reassigned, workitems_cancelled


def _target(item: WorkItem) -> tuple[int, int]:
    # Notifications point at the domain object, like the work item does, without loading it.
    return (item.target_type_id, item.target_id)


def _notify_assigned(item: WorkItem) -> None:
    # The message is stored in the default language (Chinese); the title is the item's own.
    with override("zh-hans"):
        notification_create(
            recipient=item.assignee,
            kind=NotificationKind.ASSIGNED,
            title=item.title,
            body=_("New work for you: %(kind)s") % {"kind": item.get_kind_display()},
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
    with override("zh-hans"):
        notification_create(
            recipient=previous_assignee,
            kind=NotificationKind.CHANGED,
            title=item.title,
            body=_("Passed on to %(name)s; nothing more is needed from you.") % {"name": item.assignee.display_name},
            target_ref=_target(item),
            actor=actor,
        )


def on_cancelled(sender: Any, items: list[WorkItem], actor: Any = None, reason: str = "", **kwargs: Any) -> None:
    with override("zh-hans"):
        for item in items:
            notification_create(
                recipient=item.assignee,
                kind=NotificationKind.CANCELLED,
                title=item.title,
                body=_("Withdrawn: nothing more is needed from you.") + (f" {reason}" if reason else ""),
                target_ref=_target(item),
                actor=actor,
            )


workitem_opened.connect(on_opened, dispatch_uid="workload.on_opened")
workitem_reassigned.connect(on_reassigned, dispatch_uid="workload.on_reassigned")
workitems_cancelled.connect(on_cancelled, dispatch_uid="workload.on_cancelled")
