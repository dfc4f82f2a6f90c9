"""Writes of notifications: create (at most once per key), mark read."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accounts.models import User
from core.errors import NotFound

from .models import Notification, NotificationKind


@transaction.atomic
def notification_create(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str = "",
    target: models.Model | None = None,
    actor: Any = None,
    key: str | None = None,
    target_ref: tuple[int, int] | None = None,
) -> Notification | None:
    """Tell ``recipient`` something. With ``key``, a second call with the same key creates nothing
    and returns None (reminders rely on this to be sent exactly once). ``target_ref`` is
    (content type id, object id), for callers that know the target without loading it."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if key is not None and Notification.objects.filter(key=key).exists():
        return None
    notification = Notification(
        recipient=recipient,
        kind=kind,
        title=str(title)[:300],
        body=str(body),
        target_type_id=(
            ContentType.objects.get_for_model(target).pk if target is not None else target_ref and target_ref[0]
        ),
        target_id=target.pk if target is not None else target_ref and target_ref[1],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        key=key,
    )
    try:
        # A savepoint, so that losing a race on the key leaves the caller's transaction usable.
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        if key is not None and Notification.objects.filter(key=key).exists():
            return None
        raise
    return notification


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the person's own notifications read (404 for anyone else's)."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the person read; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
