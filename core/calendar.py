"""Working-day calendar: every deadline in Xietong is counted here.

A day is a working day by, in order: the administrators' override table (local days off, local
make-up days), then the national calendar of the ``chinese-calendar`` package (statutory holidays
and 调休 make-up working days), then, for a year that package does not know yet, Monday to Friday.
Working hours within a working day come from ``settings.WORKING_HOURS``.
"""

import functools
import threading
import time as _time
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.utils import timezone

# The override table is small (tens of rows a year) and read on every deadline computation, so each
# process keeps a copy for a short while; saving an override clears the copy of that process.
_OVERRIDES_TTL_SECONDS = 60.0
_lock = threading.Lock()
_overrides: dict[date, bool] | None = None
_loaded_at = 0.0


def clear_cache() -> None:
    global _overrides
    with _lock:
        _overrides = None


def _override_table() -> dict[date, bool]:
    global _overrides, _loaded_at
    with _lock:
        if _overrides is None or _time.monotonic() - _loaded_at > _OVERRIDES_TTL_SECONDS:
            from .models import HolidayOverride

            _overrides = dict(HolidayOverride.objects.values_list("date", "is_workday"))
            _loaded_at = _time.monotonic()
        return _overrides


@functools.cache  # the package's data does not change while the process runs
def library_knows(year: int) -> bool:
    """Whether the national calendar package has data for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_workday(day: date) -> bool:
    overrides = _override_table()
    if day in overrides:
        return overrides[day]
    return _national_year(day.year)[day.timetuple().tm_yday - 1]


@functools.cache  # the package's data does not change while the process runs
def _national_year(year: int) -> tuple[bool, ...]:
    """Whether each day of ``year`` is a working day by the national calendar package (Monday to
    Friday for a year it does not know), looked up once: the package's own check is slow."""
    first = date(year, 1, 1)
    days = [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]
    if library_knows(year):
        return tuple(bool(chinese_calendar.is_workday(day)) for day in days)
    return tuple(day.weekday() < 5 for day in days)


def holiday_name(day: date) -> str | None:
    """The statutory holiday's name (English, as the package gives it) or the override's name."""
    from .models import HolidayOverride

    override = HolidayOverride.objects.filter(date=day).first()
    if override is not None:
        return override.name or None
    if library_knows(day.year):
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        return name if on_holiday and name else None
    return None


def years_missing_holidays(today: date | None = None) -> list[int]:
    """Years the calendar must cover soon but knows nothing of: this year, and from November the next.

    A year counts as entered once it has any override row (administrators enter that year's
    holidays as overrides when the package has no data for it yet).
    """
    today = today or timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    known_years = {d.year for d in _override_table()}
    return [y for y in years if not library_knows(y) and y not in known_years]


def next_workday(day: date, *, include_today: bool = False) -> date:
    current = day if include_today else day + timedelta(days=1)
    while not is_workday(current):
        current += timedelta(days=1)
    return current


def add_working_days(day: date, days: int) -> date:
    """The date ``days`` working days after ``day`` (before it when negative).

    Counting starts on the next working day, as deadlines do: a matter given on Friday with
    three working days is due on Wednesday. ``days=0`` gives ``day`` itself if it is a working
    day, otherwise the next one.
    """
    if days == 0:
        return next_workday(day, include_today=True)
    step = 1 if days > 0 else -1
    remaining = abs(days)
    current = day
    while remaining:
        current += timedelta(days=step)
        if is_workday(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    if end == start:
        return 0
    step = 1 if end > start else -1
    count, current = 0, start
    while current != end:
        current += timedelta(days=step)
        if is_workday(current):
            count += 1
    return count * step


@dataclass(frozen=True)
class Period:
    start: time
    end: time

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


def working_periods() -> list[Period]:
    """The working periods of a day, from ``settings.WORKING_HOURS`` ("09:00-12:00", ...)."""
    periods = []
    for spec in settings.WORKING_HOURS:
        begin, _sep, finish = spec.partition("-")
        periods.append(Period(time.fromisoformat(begin.strip()), time.fromisoformat(finish.strip())))
    periods.sort(key=lambda p: p.start)
    return periods


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=_tz())


def end_of_working_day(day: date) -> datetime:
    """The close of business on ``day`` (the deadline moment of a "due on" date)."""
    return _at(day, working_periods()[-1].end)


def start_of_working_day(day: date) -> datetime:
    return _at(day, working_periods()[0].start)


def next_working_moment(moment: datetime) -> datetime:
    """``moment`` if it falls in working hours on a working day, else the next start of work."""
    local = timezone.localtime(moment, _tz())
    day = local.date()
    if is_workday(day):
        for period in working_periods():
            if local < _at(day, period.end):
                return max(local, _at(day, period.start))
    return start_of_working_day(next_workday(day))


def add_working_hours(moment: datetime, hours: float) -> datetime:
    """The moment ``hours`` working hours after ``moment`` (before it when negative)."""
    if hours < 0:
        return _subtract_working_minutes(moment, round(-hours * 60))
    remaining = round(hours * 60)
    current = next_working_moment(moment)
    while True:
        day = current.date()
        for period in working_periods():
            period_end = _at(day, period.end)
            if current >= period_end:
                continue
            current = max(current, _at(day, period.start))
            available = int((period_end - current).total_seconds() // 60)
            if remaining <= available:
                return current + timedelta(minutes=remaining)
            remaining -= available
            current = period_end
        current = start_of_working_day(next_workday(day))


def _subtract_working_minutes(moment: datetime, minutes: int) -> datetime:
    current = timezone.localtime(moment, _tz())
    remaining = minutes
    day = current.date()
    while True:
        if is_workday(day):
            for period in reversed(working_periods()):
                period_start = _at(day, period.start)
                if current <= period_start:
                    continue
                current = min(current, _at(day, period.end))
                available = int((current - period_start).total_seconds() // 60)
                if remaining <= available:
                    return current - timedelta(minutes=remaining)
                remaining -= available
                current = period_start
        day -= timedelta(days=1)
        current = _at(day, time(23, 59, 59))


def working_hours_between(start: datetime, end: datetime) -> float:
    """Working hours elapsed from ``start`` to ``end`` (0 when ``end`` is not later)."""
    if end <= start:
        return 0.0
    total = 0.0
    current = timezone.localtime(start, _tz())
    end_local = timezone.localtime(end, _tz())
    day = current.date()
    while day <= end_local.date():
        if is_workday(day):
            for period in working_periods():
                lo = max(_at(day, period.start), current)
                hi = min(_at(day, period.end), end_local)
                if hi > lo:
                    total += (hi - lo).total_seconds() / 3600
        day += timedelta(days=1)
    return total


def due_at_for(start: datetime, *, working_days: int) -> datetime:
    """The close of business ``working_days`` working days after ``start`` (the usual deadline)."""
    return end_of_working_day(add_working_days(timezone.localtime(start, _tz()).date(), working_days))


def working_elapsed(start: datetime, end: datetime) -> timedelta:
    """Time from ``start`` to ``end`` that falls on working days (zero when ``end`` is not later).

    Each working day counts its whole 24 hours and a day off counts nothing, so "overdue by N
    working days" reads the way people count: an item due Friday 17:30 is, on Tuesday 14:05, one
    working day and 20 hours 35 minutes overdue (the weekend, a statutory holiday or a local day off
    does not count; a 调休 working Saturday does).
    """
    if end <= start:
        return timedelta(0)
    tz = _tz()
    first, last = timezone.localtime(start, tz), timezone.localtime(end, tz)
    if first.date() == last.date():
        return last - first if is_workday(first.date()) else timedelta(0)
    total = timedelta(0)
    if is_workday(first.date()):  # the rest of the first day
        total += _at(first.date() + timedelta(days=1), time(0)) - first
    if is_workday(last.date()):  # the start of the last day
        total += last - _at(last.date(), time(0))
    # The whole days between, counted from a table per year rather than day by day: the desk says
    # this for every overdue row, some of them overdue for months.
    return total + timedelta(days=_count_workdays(first.date() + timedelta(days=1), last.date()))


# Working days counted so far in each year, day by day (``[0, 1, 2, 2, ...]``: the count before each
# day of the year), made from the override table they were worked out with.
_year_counts: dict[int, list[int]] = {}
_year_counts_source: dict[date, bool] | None = None


def _counts_of_year(year: int) -> list[int]:
    global _year_counts, _year_counts_source
    overrides = _override_table()
    if overrides is not _year_counts_source:  # reloaded or cleared: count again
        _year_counts, _year_counts_source = {}, overrides
    counts = _year_counts.get(year)
    if counts is None:
        day, counts = date(year, 1, 1), [0]
        while day.year == year:
            counts.append(counts[-1] + is_workday(day))
            day += timedelta(days=1)
        _year_counts[year] = counts
    return counts


def _count_workdays(first: date, last: date) -> int:
    """The number of working days from ``first`` up to, not including, ``last``."""
    total = 0
    for year in range(first.year, last.year + 1):
        counts = _counts_of_year(year)
        start = (first - date(year, 1, 1)).days if year == first.year else 0
        stop = (last - date(year, 1, 1)).days if year == last.year else len(counts) - 1
        total += counts[stop] - counts[start]
    return max(total, 0)
