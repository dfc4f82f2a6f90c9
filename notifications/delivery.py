"""E-mail delivery of notifications: recorded with the notification, sent at most once.

The ``EmailDelivery`` row is written in the notification's transaction; the Celery task is only a
nudge sent after commit. Sending claims the row first (``pending`` → ``sending``, a conditional
update), then sends, then marks it ``sent``: a second delivery of the same task finds nothing to
claim. A task that was never enqueued (broker down) or whose worker died mid-task is picked up by
the scanner's ``dispatch_unsent`` pass, so nothing is lost and nothing is sent twice.

A message that can never be sent (a header error, a refused address) is marked failed with its
reason at once; a passing error (the mail server unreachable) is tried again later, backing off,
at most ``NOTIFICATION_MAX_ATTEMPTS`` times. Re-sending takes the least-tried, oldest rows first,
so a few stuck rows never hold up the others.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, override

from core import calendar

from .models import DeliveryStatus, EmailDelivery, EmailMode, Notification, NotificationPreference
from .presentation import language_of, link, present

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


def hand_to_worker(task: Any, delivery_id: int) -> bool:
    """Enqueue ``task`` for one delivery row (e-mail or robot); if the broker is down, leave the row
    for the periodic sweep (never raise: the notification is already saved)."""
    try:
        task.apply_async((delivery_id,), retry=False)
    except Exception:
        logger.warning("Broker unavailable; %s %s left for the sweep", task.name, delivery_id, exc_info=True)
        return False
    return True


def enqueue(delivery_id: int) -> bool:
    from .tasks import deliver_email

    return hand_to_worker(deliver_email, delivery_id)


def claim_row(model: Any, delivery_id: int, *, now: datetime | None = None) -> bool:
    """Take a delivery row (e-mail or robot) for sending: pending, or sending but abandoned longer
    than the claim timeout. One conditional update, so two workers never both send it."""
    now = now or timezone.now()
    return bool(
        model.objects.filter(pk=delivery_id)
        .filter(
            Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - claim_timeout())
        )
        .update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def claim(delivery_id: int, *, now: datetime | None = None) -> bool:
    return claim_row(EmailDelivery, delivery_id, now=now)


def max_attempts() -> int:
    return int(settings.NOTIFICATION_MAX_ATTEMPTS)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: 30 s, 1 min, 2 min, ... at most an hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def is_permanent(exc: BaseException) -> bool:
    """Errors that another try cannot cure: a malformed message (``BadHeaderError`` is a
    ``ValueError``), an address the server refuses, any 5xx answer of the mail server."""
    if isinstance(exc, ValueError | TypeError | LookupError | smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600


def record_failure(model: Any, pks: list[int], exc: BaseException, attempts: int, *, now: datetime) -> bool:
    """Record a failed try; returns True when the row is failed for good (permanent, or out of tries)."""
    # A header error quotes the header, which may be a title the reader of this row may not see.
    error = (
        "BadHeaderError: a header contains a line break"
        if isinstance(exc, BadHeaderError)
        else f"{type(exc).__name__}: {exc}"
    )
    error = error[:2000]
    rows = model.objects.filter(pk__in=pks).exclude(status=DeliveryStatus.SENT)
    if is_permanent(exc) or attempts >= max_attempts():
        rows.update(status=DeliveryStatus.FAILED, last_error=error, next_attempt_at=None)
        return True
    # Back to pending so that the retry (or the scanner, after the back-off) can claim it again.
    rows.update(status=DeliveryStatus.PENDING, last_error=error, next_attempt_at=now + backoff(attempts))
    return False


def _message(recipient: Any, subject: str, template: str, context: dict[str, Any]) -> EmailMultiAlternatives:
    with override(language_of(recipient)):
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def _notification_email(delivery: EmailDelivery) -> EmailMultiAlternatives:
    notification, recipient = delivery.notification, delivery.recipient
    # In the recipient's language; masked if the recipient may no longer see the target.
    present([notification], reader=recipient)
    with override(language_of(recipient)):
        subject = f"[{settings.SITE_NAME}] {notification.get_kind_display()}：{notification.shown_title}"
    return _message(
        recipient,
        subject,
        "notification",
        {"notification": notification, "recipient": recipient, "link": link(notification)},
    )


def send_one(delivery_id: int) -> str:
    """Claim, send and mark one immediate delivery. Returns what happened: "sent", "skipped"
    (not claimable) or "failed" (can never be sent); raises on errors worth another try."""
    if not claim(delivery_id):
        return "skipped"
    delivery = EmailDelivery.objects.select_related("notification", "recipient").get(pk=delivery_id)
    try:
        _notification_email(delivery).send()
    except Exception as exc:
        if record_failure(EmailDelivery, [delivery_id], exc, delivery.attempts, now=timezone.now()):
            logger.error("E-mail delivery %s failed for good: %s", delivery_id, exc)
            return "failed"
        raise
    EmailDelivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
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
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        # Fair: the least-tried first, then the oldest; rows that keep failing go to the back.
        .order_by("attempts", "created_at", "pk")
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
        EmailDelivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    # One visibility question for the whole digest; each line in the reader's language, masked where needed.
    notifications = list(present([r.notification for r in rows], reader=user))
    with override(language_of(user)):
        subject = f"[{settings.SITE_NAME}] " + gettext("Your daily digest: %(n)d notification(s)") % {"n": len(rows)}
    items = [{"notification": n, "link": link(n)} for n in notifications]
    try:
        message = _message(
            user, subject, "digest", {"recipient": user, "items": items, "date": timezone.localdate(now)}
        )
        message.send()
    except Exception as exc:  # noqa: BLE001  (a passing error: the next working day's digest retries it)
        record_failure(EmailDelivery, ids, exc, max(r.attempts for r in rows) + 1, now=now)
        logger.warning("Digest for user %s failed: %s", user.pk, exc)
        return 0
    EmailDelivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.SENT, sent_at=timezone.now())
    return 1
