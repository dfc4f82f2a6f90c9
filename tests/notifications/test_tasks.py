"""The daily calendar check tells each administrator once per missing year."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.models import HolidayOverride
from notifications.models import Notification, NotificationKind
from notifications.tasks import check_calendar_years

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 11, 26, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_admins_are_told_once_about_a_missing_year(admin_user, user):
    assert check_calendar_years() == 1
    assert check_calendar_years() == 0  # the next day's run does not repeat it
    note = Notification.objects.get(recipient=admin_user)
    assert note.kind == NotificationKind.INFO
    assert "2027" in note.title
    assert not Notification.objects.filter(recipient=user).exists()


@time_machine.travel(datetime(2026, 11, 26, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_nothing_is_sent_once_the_year_is_entered(admin_user):
    HolidayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    assert check_calendar_years() == 0
    assert not Notification.objects.exists()
