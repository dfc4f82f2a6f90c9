"""Writes of notifications: create (at most once per key), mark read, preferences."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from core.errors import NotFound, ValidationError

from . import delivery, messages, robots
from .models import (
    EmailMode,
    Notification,
    NotificationKind,
    NotificationPreference,
    RobotRoute,
    RobotWebhook,
)


def _message_of(message: str | None, params: Mapping[str, Any] | None, title: str, body: str) -> tuple[str, dict]:
    """The stored (key, parameters): a registered message, or finished text kept as written."""
    if message is None:
        return messages.LEGACY, {"title": str(title)[: messages.TITLE_MAX_LENGTH], "body": str(body)}
    params = dict(params or {})
    messages.check(message, params)
    return message, params


@transaction.atomic
def notification_create(
    *,
    recipient: User,
    kind: str,
    message: str | None = None,
    params: Mapping[str, Any] | None = None,
    title: str = "",
    body: str = "",
    target: models.Model | None = None,
    actor: Any = None,
    key: str | None = None,
    target_ref: tuple[int, int] | None = None,
    subject: models.Model | None = None,
    classification: str = "",
) -> Notification | None:
    """Tell ``recipient`` something. With ``key``, a second call with the same key creates nothing
    and returns None (reminders rely on this to be sent exactly once). ``target_ref`` is
    (content type id, object id), for callers that know the target without loading it. ``subject``
    is what the notification is part of, for the sender to find it again (a work item's history).

    What it says is ``message`` (a key of ``notifications.messages``) with ``params`` (plain
    values), rendered in the reader's language when shown or sent; ``title``/``body`` without a
    message are kept as written. ``classification`` is the target's, for masking."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    message, params = _message_of(message, params, title, body)
    if key is not None and Notification.objects.filter(key=key).exists():
        return None
    notification = Notification(
        recipient=recipient,
        kind=kind,
        message=message,
        params=params,
        classification=classification,
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
    # The e-mail and robot posts, if wanted, are recorded in the same transaction and sent after commit.
    delivery.record(notification)
    robots.record([notification])
    return notification


def _content_type_id(obj: models.Model | None) -> int | None:
    return ContentType.objects.get_for_model(obj).pk if obj is not None else None


@dataclass(frozen=True)
class NotificationSpec:
    """One notification to create (for ``notifications_create_many``)."""

    recipient: User
    kind: str
    message: str | None = None
    params: Mapping[str, Any] | None = None
    title: str = ""
    body: str = ""
    target_ref: tuple[int, int] | None = None
    subject: models.Model | None = None
    key: str | None = None
    classification: str = ""


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
    rows = []
    for spec in fresh:
        message, params = _message_of(spec.message, spec.params, spec.title, spec.body)
        rows.append(
            Notification(
                recipient=spec.recipient,
                kind=spec.kind,
                message=message,
                params=params,
                classification=spec.classification,
                target_type_id=spec.target_ref[0] if spec.target_ref else None,
                target_id=spec.target_ref[1] if spec.target_ref else None,
                key=spec.key,
                subject_type_id=ContentType.objects.get_for_model(spec.subject).pk
                if spec.subject is not None
                else None,
                subject_id=spec.subject.pk if spec.subject is not None else None,
            )
        )
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:
        made = [
            notification_create(
                recipient=spec.recipient,
                kind=spec.kind,
                message=spec.message,
                params=spec.params,
                title=spec.title,
                body=spec.body,
                target_ref=spec.target_ref,
                subject=spec.subject,
                key=spec.key,
                classification=spec.classification,
            )
            for spec in fresh
        ]
        return [n for n in made if n is not None]
    delivery.record_many(created)
    robots.record(created)
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
def preference_update(
    *, user: User, email_mode: str, digest_hour: int = 17, language: str | None = None
) -> NotificationPreference:
    """How the person is told: e-mail at once, a daily digest or none; and in which language."""
    if email_mode not in EmailMode.values:
        raise ValidationError(_("Unknown e-mail choice."), fields={"email_mode": [_("Choose one of the options.")]})
    if not 0 <= digest_hour <= 23:
        raise ValidationError(_("The digest hour is 0 to 23."), fields={"digest_hour": [_("0 to 23.")]})
    if email_mode != EmailMode.NONE and not user.email:
        raise ValidationError(
            _("Add an e-mail address to your profile first."), fields={"email_mode": [_("No e-mail address.")]}
        )
    if language is not None and language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."), fields={"language": [_("Choose one of the options.")]})
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_mode": email_mode, "digest_hour": digest_hour}
    )
    data: dict[str, Any] = {"email_mode": email_mode}
    if language is not None and language != user.language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
        data["language"] = language
    audit_record(actor=user, verb="notifications.preference", target=user, data=data)
    return preference


@transaction.atomic
def robot_webhook_save(*, actor: User, webhook: RobotWebhook) -> RobotWebhook:
    """An administrator adds or changes a group robot (audited; the secret is not logged)."""
    webhook.full_clean()
    created = webhook.pk is None
    webhook.save()
    audit_record(
        actor=actor,
        verb="notifications.robot_create" if created else "notifications.robot_update",
        target=webhook,
        data={"name": webhook.name, "platform": webhook.platform, "active": webhook.active, "offered": webhook.offered},
    )
    return webhook


@transaction.atomic
def robot_route_save(*, actor: User, route: RobotRoute) -> RobotRoute:
    """An administrator routes a person's or a department's chosen kinds to a robot (audited)."""
    if (route.user_id is None) == (route.department_id is None):
        raise ValidationError(_("Choose either a person or a department."))
    unknown = [k for k in route.kinds if k not in NotificationKind.values]
    if unknown or not route.kinds:
        raise ValidationError(_("Choose at least one kind of notification."), fields={"kinds": [_("Unknown kind.")]})
    created = route.pk is None
    route.save()
    audit_record(
        actor=actor,
        verb="notifications.route_create" if created else "notifications.route_update",
        target=route,
        data={
            "webhook": route.webhook_id,
            "user": route.user_id,
            "department": route.department_id,
            "kinds": route.kinds,
        },
    )
    return route


@transaction.atomic
def robot_route_choose(*, actor: User, webhook_id: int, kinds: Sequence[str]) -> RobotRoute | None:
    """A person sends chosen kinds of their own notifications to a robot offered to people.

    Choosing no kinds removes the route (returns None). A robot not offered (or not active) is 404.
    """
    webhook = RobotWebhook.objects.filter(pk=webhook_id, active=True, offered=True).first()
    if webhook is None:
        raise NotFound()
    kinds = list(dict.fromkeys(kinds))
    if any(k not in NotificationKind.values for k in kinds):
        raise ValidationError(_("Unknown kind."), fields={"kinds": [_("Choose from the list.")]})
    if not kinds:
        removed, _count = RobotRoute.objects.filter(webhook=webhook, user=actor).delete()
        if removed:
            audit_record(actor=actor, verb="notifications.route_remove", target=webhook, data={"user": actor.pk})
        return None
    route, created = RobotRoute.objects.update_or_create(webhook=webhook, user=actor, defaults={"kinds": kinds})
    audit_record(
        actor=actor,
        verb="notifications.route_create" if created else "notifications.route_update",
        target=route,
        data={"webhook": webhook.pk, "user": actor.pk, "kinds": kinds},
    )
    return route


@transaction.atomic
def robot_route_remove(*, actor: User, route_id: int) -> None:
    """A person stops one of their own robot routes (404 for anyone else's)."""
    route = RobotRoute.objects.filter(pk=route_id, user=actor).first()
    if route is None:
        raise NotFound()
    audit_record(actor=actor, verb="notifications.route_remove", target=route.webhook, data={"user": actor.pk})
    route.delete()
