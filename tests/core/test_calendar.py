"""Working-day arithmetic on the Chinese calendar, local overrides, and unknown years."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core import calendar
from core.models import HolidayOverride

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def test_spring_festival_2026_is_off_and_its_make_up_saturdays_are_worked():
    assert not calendar.is_workday(date(2026, 2, 17))  # 除夕 was the 16th; the 17th is 春节
    assert not calendar.is_workday(date(2026, 2, 23))  # last day of the nine-day break
    assert calendar.is_workday(date(2026, 2, 14))  # 调休: a Saturday worked before the break
    assert calendar.is_workday(date(2026, 2, 28))  # 调休: a Saturday worked after it
    assert not calendar.is_workday(date(2026, 3, 1))  # an ordinary Sunday


def test_add_working_days_skips_the_spring_festival():
    # Friday 13 Feb + 1 working day is the make-up Saturday; + 2 jumps the whole break.
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert calendar.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert calendar.add_working_days(date(2026, 2, 24), -2) == date(2026, 2, 13)
    assert calendar.add_working_days(date(2026, 2, 15), 0) == date(2026, 2, 24)


def test_working_days_between_counts_only_working_days():
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert calendar.working_days_between(date(2026, 2, 24), date(2026, 2, 13)) == -2
    assert calendar.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_local_override_wins_over_the_national_calendar():
    HolidayOverride.objects.create(date=date(2026, 3, 2), is_workday=False, name="本地休假")
    HolidayOverride.objects.create(date=date(2026, 3, 7), is_workday=True, name="补班")
    assert not calendar.is_workday(date(2026, 3, 2))  # a Monday made a day off
    assert calendar.is_workday(date(2026, 3, 7))  # a Saturday made a working day
    assert calendar.holiday_name(date(2026, 3, 2)) == "本地休假"


def test_unknown_year_counts_monday_to_friday_with_overrides():
    assert not calendar.library_knows(2031)
    assert calendar.is_workday(date(2031, 1, 1))  # a Wednesday: no data yet, so a working day
    assert not calendar.is_workday(date(2031, 1, 4))  # Saturday
    HolidayOverride.objects.create(date=date(2031, 1, 1), is_workday=False, name="元旦")
    assert not calendar.is_workday(date(2031, 1, 1))


def test_administrators_are_warned_about_a_missing_coming_year():
    with time_machine.travel(at(2026, 11, 26, 10), tick=False):
        assert calendar.years_missing_holidays() == [2027]
    with time_machine.travel(at(2026, 6, 1, 10), tick=False):
        assert calendar.years_missing_holidays() == []  # too early to expect next year's data
    HolidayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    with time_machine.travel(at(2026, 11, 26, 10), tick=False):
        assert calendar.years_missing_holidays() == []


def test_next_working_moment():
    # Within hours: unchanged.
    assert calendar.next_working_moment(at(2026, 3, 2, 10)) == at(2026, 3, 2, 10)
    # Lunch break: the afternoon period.
    assert calendar.next_working_moment(at(2026, 3, 2, 12, 30)) == at(2026, 3, 2, 13, 30)
    # Evening: next working morning.
    assert calendar.next_working_moment(at(2026, 3, 2, 18)) == at(2026, 3, 3, 9)
    # Friday before the Spring Festival evening: the make-up Saturday morning.
    assert calendar.next_working_moment(at(2026, 2, 13, 19)) == at(2026, 2, 14, 9)
    # During the break: the first morning after it.
    assert calendar.next_working_moment(at(2026, 2, 18, 10)) == at(2026, 2, 24, 9)


def test_add_working_hours_crosses_lunch_nights_and_holidays():
    assert calendar.add_working_hours(at(2026, 3, 2, 9), 2) == at(2026, 3, 2, 11)
    assert calendar.add_working_hours(at(2026, 3, 2, 11), 2) == at(2026, 3, 2, 14, 30)  # 1h + lunch + 1h
    assert calendar.add_working_hours(at(2026, 3, 2, 17), 1) == at(2026, 3, 3, 9, 30)
    # Saturday 14 Feb is worked; the next working time after 17:30 that day is 24 Feb.
    assert calendar.add_working_hours(at(2026, 2, 14, 17), 1) == at(2026, 2, 24, 9, 30)


def test_subtract_working_hours_for_reminders_before_due():
    assert calendar.add_working_hours(at(2026, 3, 3, 9, 30), -1) == at(2026, 3, 2, 17)
    # One hour on the 24th, the other at the end of the make-up Saturday.
    assert calendar.add_working_hours(at(2026, 2, 24, 10), -2) == at(2026, 2, 14, 16, 30)


def test_working_hours_between():
    assert calendar.working_hours_between(at(2026, 3, 2, 9), at(2026, 3, 2, 17, 30)) == pytest.approx(7.0)
    assert calendar.working_hours_between(at(2026, 2, 13, 17), at(2026, 2, 24, 9, 30)) == pytest.approx(0.5 + 7 + 0.5)
    assert calendar.working_hours_between(at(2026, 3, 2, 12), at(2026, 3, 2, 9)) == 0


def test_due_at_is_close_of_business_n_working_days_later():
    assert calendar.due_at_for(at(2026, 2, 13, 15), working_days=3) == at(2026, 2, 25, 17, 30)
    assert calendar.end_of_working_day(date(2026, 3, 2)) == at(2026, 3, 2, 17, 30)


def test_working_hours_come_from_settings(settings):
    settings.WORKING_HOURS = ["08:30-12:00", "14:00-18:00"]
    assert calendar.next_working_moment(at(2026, 3, 2, 12, 30)) == at(2026, 3, 2, 14)
    assert calendar.end_of_working_day(date(2026, 3, 2)) == at(2026, 3, 2, 18)


def test_working_elapsed_friday_evening_to_tuesday_afternoon():
    # Friday 17:30 → Tuesday 14:05: 6 h 30 of Friday, all of Monday, 14 h 05 of Tuesday.
    assert calendar.working_elapsed(at(2026, 3, 6, 17, 30), at(2026, 3, 10, 14, 5)) == timedelta(
        days=1, hours=20, minutes=35
    )


def test_working_elapsed_is_zero_backwards_and_on_days_off():
    assert calendar.working_elapsed(at(2026, 3, 10), at(2026, 3, 6)) == timedelta(0)
    assert calendar.working_elapsed(at(2026, 3, 7, 8), at(2026, 3, 8, 20)) == timedelta(0)  # a weekend


def test_working_elapsed_skips_national_day_and_counts_the_make_up_saturday():
    # 国庆 2026: 1–7 October off; Saturday 10 October is a 调休 working day.
    assert calendar.working_elapsed(at(2026, 9, 30, 17, 30), at(2026, 10, 8, 9)) == timedelta(hours=15, minutes=30)
    assert calendar.working_elapsed(at(2026, 10, 9), at(2026, 10, 12)) == timedelta(days=2)  # Fri + Sat
    assert calendar.working_elapsed(at(2026, 10, 9), at(2026, 10, 13)) == timedelta(days=3)  # Sunday off


def test_working_elapsed_follows_local_overrides():
    HolidayOverride.objects.create(date=date(2026, 3, 9), is_workday=False, name="本地休假")
    assert calendar.working_elapsed(at(2026, 3, 6, 17, 30), at(2026, 3, 10, 14, 5)) == timedelta(hours=20, minutes=35)
