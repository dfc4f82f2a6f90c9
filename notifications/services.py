"""Writes of notifications: create (at most once per key), mark read, preferences."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from core.errors import NotFound, ValidationError

from . import delivery
from .models import EmailMode, Notification, NotificationKind, NotificationPreference


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
    subject: models.Model | None = None,
) -> Notification | None:
    """Tell ``recipient`` something. With ``key``, a second call with the same key creates nothing
    and returns None (reminders rely on this to be sent exactly once). ``target_ref`` is
    (content type id, object id), for callers that know the target without loading it. ``subject``
    is what the notification is part of, for the sender to find it again (a work item's history)."""
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
        subject_type_id=ContentType.objects.get_for_model(subject).pk if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
    )
    try:
        # A savepoint, so that losing a race on the key leaves the caller's transaction usable.
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        if key is not None and Notification.objects.filter(key=key).exists():
            return None
        raise
    # The e-mail, if the person wants one, is recorded in the same transaction and sent after commit.
    delivery.record(notification)
    return notification


@dataclass(frozen=True)
class NotificationSpec:
    """One notification to create (for ``notifications_create_many``)."""

    recipient: User
    kind: str
    title: str
    body: str = ""
    target_ref: tuple[int, int] | None = None
    subject: models.Model | None = None
    key: str | None = None


@transaction.atomic
def notifications_create_many(specs: Sequence[NotificationSpec]) -> list[Notification]:
    """Create many notifications in a few queries, each keyed one at most once (as ``notification_create``).

    Keys already present are skipped. The rows are inserted together; if another writer inserted
    one of the same keys meanwhile, the batch falls back to one-by-one creation, which skips it.
    """
    keys = [s.key for s in specs if s.key is not None]
    existing = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()
    fresh: list[NotificationSpec] = []
    seen: set[str] = set()
    for spec in specs:
        if spec.kind not in NotificationKind.values:
            raise ValueError(f"unknown notification kind {spec.kind!r}")
        if spec.key is not None:
            if spec.key in existing or spec.key in seen:
                continue
            seen.add(spec.key)
        fresh.append(spec)
    if not fresh:
        return []
    rows = [
        Notification(
            recipient=spec.recipient,
            kind=spec.kind,
            title=str(spec.title)[:300],
            body=str(spec.body),
            target_type_id=spec.target_ref[0] if spec.target_ref else None,
            target_id=spec.target_ref[1] if spec.target_ref else None,
            key=spec.key,
            subject_type_id=ContentType.objects.get_for_model(spec.subject).pk if spec.subject is not None else None,
            subject_id=spec.subject.pk if spec.subject is not None else None,
        )
        for spec in fresh
    ]
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:
        made = [
            notification_create(
                recipient=spec.recipient,
                kind=spec.kind,
                title=spec.title,
                body=spec.body,
                target_ref=spec.target_ref,
                subject=spec.subject,
                key=spec.key,
            )
            for spec in fresh
        ]
        return [n for n in made if n is not None]
    delivery.record_many(created)
    return created


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


@transaction.atomic
def preference_update(*, user: User, email_mode: str, digest_hour: int = 17) -> NotificationPreference:
    if email_mode not in EmailMode.values:
        raise ValidationError(_("Unknown e-mail choice."), fields={"email_mode": [_("Choose one of the options.")]})
    if not 0 <= digest_hour <= 23:
        raise ValidationError(_("The digest hour is 0 to 23."), fields={"digest_hour": [_("0 to 23.")]})
    if email_mode != EmailMode.NONE and not user.email:
        raise ValidationError(
            _("Add an e-mail address to your profile first."), fields={"email_mode": [_("No e-mail address.")]}
        )
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_mode": email_mode, "digest_hour": digest_hour}
    )
    audit_record(actor=user, verb="notifications.preference", target=user, data={"email_mode": email_mode})
    return preference
