"""E-mail delivery of notifications: recorded with the notification, sent at most once.

The ``EmailDelivery`` row is written in the notification's transaction; the Celery task is only a
nudge sent after commit. Sending claims the row first (``pending`` → ``sending``, a conditional
update), then sends, then marks it ``sent``: a second delivery of the same task finds nothing to
claim. A task that was never enqueued (broker down) or whose worker died mid-task is picked up by
the scanner's ``dispatch_unsent`` pass, so nothing is lost and nothing is sent twice.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from core import calendar

from .links import target_ref
from .models import DeliveryStatus, EmailDelivery, EmailMode, Notification, NotificationPreference

logger = logging.getLogger(__name__)


def claim_timeout() -> timedelta:
    """How long a claimed (``sending``) delivery may stay so before it is taken to have died."""
    return timedelta(seconds=int(getattr(settings, "NOTIFICATION_CLAIM_TIMEOUT_SECONDS", 600)))


def email_mode_of(user: Any) -> str:
    if not user.email:
        return EmailMode.NONE
    preference = NotificationPreference.objects.filter(user=user).only("email_mode").first()
    return preference.email_mode if preference is not None else EmailMode.IMMEDIATE


def record(notification: Notification) -> EmailDelivery | None:
    """Record the e-mail a new notification needs (if any) and nudge a worker after commit."""
    mode = email_mode_of(notification.recipient)
    if mode == EmailMode.NONE:
        return None
    delivery = EmailDelivery.objects.create(notification=notification, recipient=notification.recipient, mode=mode)
    if mode == EmailMode.IMMEDIATE:
        transaction.on_commit(lambda: enqueue(delivery.pk))
    return delivery


def record_many(notifications: list[Notification]) -> list[EmailDelivery]:
    """``record`` for a batch: one query for the preferences, one insert, one nudge per e-mail."""
    recipients = {n.recipient_id: n.recipient for n in notifications}
    modes = dict(
        NotificationPreference.objects.filter(user_id__in=list(recipients)).values_list("user_id", "email_mode")
    )
    rows = []
    for notification in notifications:
        person = recipients[notification.recipient_id]
        mode = modes.get(person.pk, EmailMode.IMMEDIATE) if person.email else EmailMode.NONE
        if mode != EmailMode.NONE:
            rows.append(EmailDelivery(notification=notification, recipient=person, mode=mode))
    created = EmailDelivery.objects.bulk_create(rows)
    immediate = [d.pk for d in created if d.mode == EmailMode.IMMEDIATE]
    if immediate:
        transaction.on_commit(lambda: [enqueue(pk) for pk in immediate])
    return created


def enqueue(delivery_id: int) -> bool:
    """Hand the delivery to a worker; if the broker is down, leave it for the scanner (never raise)."""
    from .tasks import deliver_email

    try:
        deliver_email.apply_async((delivery_id,), retry=False)
    except Exception:
        logger.warning("Broker unavailable; e-mail delivery %s left for the scanner", delivery_id, exc_info=True)
        return False
    return True


def claim(delivery_id: int, *, now: datetime | None = None) -> bool:
    """Take a delivery for sending: pending, or sending but abandoned longer than the claim timeout."""
    now = now or timezone.now()
    return bool(
        EmailDelivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - claim_timeout())
        )
        .update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _link(notification: Notification) -> str:
    base = settings.SITE_URL.rstrip("/")
    if notification.target_type_id and notification.target_id:
        url = target_ref(notification.target_type_id, notification.target_id)["url"]
        if url:
            return f"{base}{url}"
    return f"{base}/notifications/"


def _message(recipient: Any, subject: str, template: str, context: dict[str, Any]) -> EmailMultiAlternatives:
    with override(settings.LANGUAGE_CODE):
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def send_one(delivery_id: int) -> str:
    """Claim, send and mark one immediate delivery. Returns what happened; raises on SMTP errors."""
    if not claim(delivery_id):
        return "skipped"
    delivery = EmailDelivery.objects.select_related("notification", "recipient").get(pk=delivery_id)
    notification = delivery.notification
    with override(settings.LANGUAGE_CODE):
        subject = f"[{settings.SITE_NAME}] {notification.get_kind_display()}：{notification.title}"
    message = _message(
        delivery.recipient,
        subject,
        "notification",
        {"notification": notification, "recipient": delivery.recipient, "link": _link(notification)},
    )
    try:
        message.send()
    except Exception as exc:
        # Back to pending so that the retry (or the scanner) can claim it again.
        EmailDelivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.PENDING, last_error=str(exc)[:2000])
        raise
    EmailDelivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENT, sent_at=timezone.now())
    return "sent"


def mark_failed(delivery_id: int, error: str) -> None:
    EmailDelivery.objects.filter(pk=delivery_id).exclude(status=DeliveryStatus.SENT).update(
        status=DeliveryStatus.FAILED, last_error=error[:2000]
    )


def dispatch_unsent(*, now: datetime | None = None, limit: int = 500) -> int:
    """Re-enqueue immediate e-mails whose nudge was lost (broker down) or whose worker died."""
    now = now or timezone.now()
    grace = now - timedelta(seconds=30)  # leave fresh rows to their own on_commit nudge
    ids = list(
        EmailDelivery.objects.filter(mode=EmailMode.IMMEDIATE)
        .filter(
            Q(status=DeliveryStatus.PENDING, created_at__lt=grace)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - claim_timeout())
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(enqueue(pk) for pk in ids)


def send_digests(*, now: datetime | None = None) -> int:
    """Send each digest reader whose hour it is (on working days) one e-mail of what is pending."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if not calendar.is_workday(local.date()):
        return 0
    readers = NotificationPreference.objects.filter(email_mode=EmailMode.DIGEST, digest_hour=local.hour).select_related(
        "user"
    )
    sent = 0
    for preference in readers:
        sent += _send_digest(preference.user, now=now)
    return sent


def _send_digest(user: Any, *, now: datetime) -> int:
    with transaction.atomic():
        rows = list(
            EmailDelivery.objects.select_for_update()
            .filter(recipient=user, mode=EmailMode.DIGEST, status=DeliveryStatus.PENDING)
            .select_related("notification")
            .order_by("created_at")
        )
        if not rows:
            return 0
        ids = [r.pk for r in rows]
        EmailDelivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.SENDING, claimed_at=now)
    notifications = [r.notification for r in rows]
    with override(settings.LANGUAGE_CODE):
        from django.utils.translation import gettext as _

        subject = f"[{settings.SITE_NAME}] " + _("Your daily digest: %(n)d notification(s)") % {"n": len(rows)}
    items = [{"notification": n, "link": _link(n)} for n in notifications]
    message = _message(user, subject, "digest", {"recipient": user, "items": items, "date": timezone.localdate(now)})
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001  (stays pending: the next working day's digest retries it)
        EmailDelivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.PENDING, last_error=str(exc)[:2000])
        logger.warning("Digest for user %s failed: %s", user.pk, exc)
        return 0
    EmailDelivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.SENT, sent_at=timezone.now())
    return 1
