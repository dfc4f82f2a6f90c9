"""Celery tasks of notifications: thin, take ids or nothing, call services, idempotent."""

import logging
import smtplib
from typing import Any

from celery import shared_task
from django.db import transaction

from accounts.models import User
from core import calendar

from . import delivery, robots
from .models import NotificationKind
from .services import notification_create

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def deliver_email(self: Any, delivery_id: int) -> str:
    """Send one notification e-mail (idempotent: a second run finds it claimed or sent)."""
    try:
        return delivery.send_one(delivery_id)
    except (smtplib.SMTPException, OSError) as exc:
        if self.request.retries >= self.max_retries:
            delivery.mark_failed(delivery_id, str(exc))
            logger.error("E-mail delivery %s failed for good: %s", delivery_id, exc)
            return "failed"
        raise


@shared_task(
    bind=True,
    autoretry_for=(robots.RobotSendError, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def deliver_robot(self: Any, delivery_id: int) -> str:
    """Post one notification to one chat robot (idempotent: a second run finds it claimed or sent).

    The attempt cap is kept by the row (``NOTIFICATION_MAX_ATTEMPTS``): past it, it is failed for good."""
    return robots.send_one(delivery_id)


@shared_task(ignore_result=True)
def sweep_robot_deliveries() -> int:
    """Every minute (beat): robot posts whose nudge was lost, whose worker died or whose back-off passed."""
    return robots.dispatch_unsent()


@shared_task(ignore_result=True)
def send_digests() -> int:
    """Hourly (beat): the daily digests of those whose chosen hour it is, on working days."""
    return delivery.send_digests()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def check_calendar_years() -> int:
    """Tell each administrator, once per missing year, to enter that year's holidays."""
    missing = calendar.years_missing_holidays()
    sent = 0
    with transaction.atomic():
        for admin in User.objects.filter(is_superuser=True, is_active=True):
            for year in missing:
                created = notification_create(
                    recipient=admin,
                    kind=NotificationKind.INFO,
                    message="calendar.missing_year",
                    params={"year": str(year)},
                    key=f"calendar-missing:{year}:{admin.pk}",
                )
                sent += created is not None
    return sent
