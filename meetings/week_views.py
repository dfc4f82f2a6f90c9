"""My week (我的一周): the meetings I organize, attend or attend as someone's delegate, day by day,
a week at a time (Monday first), as a list that reads on a phone."""

from datetime import date, datetime, time, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import calendar

from . import selectors
from .models import Meeting

WEEK_SIZE = 300  # more meetings in one week than anyone attends; the page stays bounded


def _day(value: str | None) -> date:
    today = timezone.localdate()
    try:
        day = date.fromisoformat(value) if value else today
    except ValueError:
        return today
    return day if date(1900, 1, 8) <= day <= date(9998, 12, 20) else today


@require_GET
def my_week(request: HttpRequest) -> HttpResponse:
    """``?date=YYYY-MM-DD``: the week holding that day (default: this week)."""
    day = _day(request.GET.get("date"))
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=n) for n in range(7)]
    zone = timezone.get_current_timezone()
    start = datetime.combine(monday, time.min, tzinfo=zone)
    end = start + timedelta(days=7)
    meetings = list(
        selectors.my_meetings(user=request.user)
        .filter(start__lt=end, end__gt=start)
        .order_by("start", "id")[:WEEK_SIZE]
    )
    by_day: dict[date, list[Meeting]] = {d: [] for d in days}
    for meeting in meetings:
        first, last = (
            timezone.localtime(meeting.start).date(),
            timezone.localtime(meeting.end - timedelta(microseconds=1)).date(),
        )
        for d in days:
            if first <= d <= last:
                by_day[d].append(meeting)
    context = {
        "days": [(d, calendar.is_workday(d), by_day[d]) for d in days],
        "monday": monday,
        "sunday": days[-1],
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "today": timezone.localdate(),
    }
    return render(request, "meetings/my_week.html", context)
