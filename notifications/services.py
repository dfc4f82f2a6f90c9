"""Writes of notifications: create (at most once per key), mark read, urge, schedule, preferences."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.access import is_office_member
from accounts.models import User
from core.audit import audit_record
from core.errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationError
from workload.models import WorkItem, WorkItemStatus

from . import delivery, visibility
from .models import EmailMode, Notification, NotificationKind, NotificationPreference, ScheduledReminder, Urge


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
    work_item: WorkItem | None = None,
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
        work_item=work_item,
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
    work_item: WorkItem | None = None
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
            work_item=spec.work_item,
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
                work_item=spec.work_item,
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


URGE_INTERVAL = timedelta(hours=1)


@transaction.atomic
def workitem_urge(*, actor: User, item: WorkItem, message: str = "") -> Urge:
    """催办: the item's assigner or the office presses the assignee; once per item per hour."""
    if item.status != WorkItemStatus.OPEN:
        raise Conflict(_("This work item is already closed; there is nothing to urge."), code="already_closed")
    if not visibility.may_see(actor, item.target_type_id, item.target_id):
        # The target's own rule (DESIGN.md, Rule of visibility): no urge on what one may not see.
        raise NotFound()
    if actor.pk != item.assigned_by_id and not is_office_member(actor):
        raise PermissionDenied(_("Only the person who assigned this, or the office, may urge it."))
    if actor.pk == item.assignee_id:
        raise ValidationError(_("You cannot urge yourself."))
    now = timezone.now()
    # One conditional update decides, so two urges at once cannot both pass the hourly limit.
    claimed = (
        WorkItem.objects.filter(pk=item.pk)
        .filter(Q(last_urged_at__isnull=True) | Q(last_urged_at__lte=now - URGE_INTERVAL))
        .update(last_urged_at=now)
    )
    if not claimed:
        raise RateLimited(
            _("This item was urged less than an hour ago; give the assignee time."), code="urged_recently"
        )
    item.last_urged_at = now
    urge = Urge.objects.create(work_item=item, by=actor, message=message.strip())
    with override(settings.LANGUAGE_CODE):
        notification_create(
            recipient=item.assignee,
            kind=NotificationKind.URGE,
            title=item.title,
            body=(_("%(name)s urges you to finish this.") % {"name": actor.display_name})
            + (f" {urge.message}" if urge.message else ""),
            target_ref=(item.target_type_id, item.target_id),
            actor=actor,
            work_item=item,
        )
    audit_record(actor=actor, verb="workitem.urge", target=item, data={"message": urge.message})
    return urge


@transaction.atomic
def reminder_schedule(
    *,
    target: models.Model,
    recipients: Iterable[User],
    at: Iterable[datetime],
    title: str,
    body: str = "",
) -> list[ScheduledReminder]:
    """Remind ``recipients`` about ``target`` at each moment of ``at`` (past moments are skipped).

    Calling it again for the same target, person and moment changes nothing (a stable key).
    """
    content_type = ContentType.objects.get_for_model(target)
    now = timezone.now()
    created = []
    for moment in at:
        if moment <= now:
            continue
        for person in recipients:
            key = f"{content_type.pk}:{target.pk}:{person.pk}:{int(moment.timestamp())}"
            reminder, made = ScheduledReminder.objects.get_or_create(
                key=key,
                defaults={
                    "recipient": person,
                    "target_type": content_type,
                    "target_id": target.pk,
                    "remind_at": moment,
                    "title": str(title)[:300],
                    "body": body,
                },
            )
            if made:
                created.append(reminder)
    return created


@transaction.atomic
def reminders_cancel(*, target: models.Model, recipients: Iterable[User] | None = None) -> int:
    """Withdraw the unsent reminders about ``target`` (a meeting moved or cancelled)."""
    qs = ScheduledReminder.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk, sent_at__isnull=True
    )
    if recipients is not None:
        qs = qs.filter(recipient__in=[p.pk for p in recipients])
    return qs.update(cancelled=True)


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
