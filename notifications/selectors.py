"""Reads of notifications: always the requesting person's own."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from workload.models import WorkItem

from .models import Notification, NotificationKind, RobotRoute, RobotWebhook, Urge


def notification_list(*, user: Any, unread: bool | None = None, kind: str | None = None) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).select_related("actor")
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def robots_offered(*, user: Any) -> QuerySet[RobotWebhook]:
    """The robots a person may choose for their own notifications: active and offered to people."""
    return RobotWebhook.objects.filter(active=True, offered=True).order_by("name", "id")


def robot_routes_of(*, user: Any) -> QuerySet[RobotRoute]:
    """The person's own robot routes, with their robots (those set for their department are the
    administrators' and not listed here)."""
    return RobotRoute.objects.filter(user=user).select_related("webhook").order_by("webhook__name", "id")


def unread_count(*, user: Any) -> int:
    """One query on the partial index of unread rows."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass
class HistoryEntry:
    """One line of a work item's reminder and escalation history.

    A reminder stage sent to several people (an escalation to the office heads and the assigner)
    is one entry with all its recipients; an urge is one entry with who urged and their message.
    """

    kind: str
    at: datetime
    body: str = ""
    by: Any = None
    recipients: list[Any] = field(default_factory=list)
    level: int = 0

    @property
    def label(self) -> str:
        return str(NotificationKind(self.kind).label)


# How much history an item's page shows (a year of daily overdue reminders fits).
HISTORY_LIMIT = 400
_ESCALATION_STAGE = re.compile(r":escalation(\d+)$")


def _stage(notification: Notification) -> str:
    """The stage a notification belongs to: its key without the recipient (``wi:7:escalation2``)."""
    if notification.key and notification.key.count(":") >= 2:
        return notification.key.rsplit(":", 1)[0]
    return f"id:{notification.pk}"


def workitem_history(*, item: WorkItem) -> list[HistoryEntry]:
    """Reminders, overdue notices, escalations and urges of one item, newest first, in two queries.

    The caller has checked that the person may see the item. Urges come from the ``Urge`` rows
    (who, when, message); the notification each urge sent the assignee is not listed again.
    """
    # 1: the notifications about the item with their recipients.
    notifications = (
        Notification.objects.filter(work_item=item)
        .exclude(kind=NotificationKind.URGE)
        .select_related("recipient")
        .order_by("-created_at", "-id")[:HISTORY_LIMIT]
    )
    entries: list[HistoryEntry] = []
    by_stage: dict[str, HistoryEntry] = {}
    for notification in notifications:
        stage = _stage(notification)
        entry = by_stage.get(stage)
        if entry is None:
            match = _ESCALATION_STAGE.search(stage)
            entry = HistoryEntry(
                kind=notification.kind,
                at=notification.created_at,
                body=notification.body,
                level=int(match.group(1)) if match else 0,
            )
            by_stage[stage] = entry
            entries.append(entry)
        # Newest first: the stage's earliest notification is when it was sent.
        entry.at = min(entry.at, notification.created_at)
        entry.recipients.append(notification.recipient)
    # 2: the urges with who urged.
    for urge in Urge.objects.filter(work_item=item).select_related("by").order_by("-created_at", "-id")[:HISTORY_LIMIT]:
        entries.append(HistoryEntry(kind=NotificationKind.URGE, at=urge.created_at, body=urge.message, by=urge.by))
    entries.sort(key=lambda e: e.at, reverse=True)
    for entry in entries:
        entry.recipients.sort(key=lambda person: person.pk)
    return entries[:HISTORY_LIMIT]
