"""Reads of notifications: always the requesting person's own."""

from typing import Any

from django.db.models import QuerySet

from .models import Notification, RobotRoute, RobotWebhook


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
