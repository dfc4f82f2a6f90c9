"""Celery tasks of notifications: thin, take ids or nothing, call services, idempotent."""

from celery import shared_task
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from core import calendar

from .models import NotificationKind
from .services import notification_create


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def check_calendar_years() -> int:
    """Tell each administrator, once per missing year, to enter that year's holidays."""
    missing = calendar.years_missing_holidays()
    sent = 0
    with override("zh-hans"), transaction.atomic():
        for admin in User.objects.filter(is_superuser=True, is_active=True):
            for year in missing:
                created = notification_create(
                    recipient=admin,
                    kind=NotificationKind.INFO,
                    title=_("Enter the holidays of %(year)s") % {"year": year},
                    body=_(
                        "The working-day calendar has no holiday data for %(year)s, so deadlines count "
                        "Monday to Friday. Enter the statutory holidays and make-up working days under "
                        "Admin › Calendar overrides."
                    )
                    % {"year": year},
                    key=f"calendar-missing:{year}:{admin.pk}",
                )
                sent += created is not None
    return sent
