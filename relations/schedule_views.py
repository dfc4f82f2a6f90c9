"""Pages of leaders' schedules (领导日程): the week of every leader side by side (the office and the
leaders; anyone else a 404), and entering, changing and cancelling an engagement (PRG)."""

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import calendar
from core.errors import DomainError
from core.filters import parse_id

from . import schedules
from .schedule_forms import ScheduleEntryForm


def _day(value: str | None) -> date:
    today = timezone.localdate()
    try:
        day = date.fromisoformat(value) if value else today
    except ValueError:
        return today
    return day if date(1900, 1, 8) <= day <= date(9998, 12, 20) else today


def _week_url(day: date) -> str:
    return reverse("schedules:week") + f"?date={day.isoformat()}"


@require_GET
def leader_week(request: HttpRequest) -> HttpResponse:
    """``?date=YYYY-MM-DD``: the week holding that day (default: this week)."""
    monday, rows = schedules.leader_week(user=request.user, day=_day(request.GET.get("date")))
    days = [monday + timedelta(days=n) for n in range(7)]
    context = {
        "rows": rows,
        "days": [(d, calendar.is_workday(d)) for d in days],
        "monday": monday,
        "sunday": days[-1],
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "today": timezone.localdate(),
        "may_enter": schedules.may_enter_any(request.user),
    }
    return render(request, "relations/schedule_week.html", context)


@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    if not schedules.may_view_schedules(request.user):
        raise Http404
    form = ScheduleEntryForm(request.POST or None, actor=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = schedules.schedule_entry_create(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status_code
            else:
                messages.success(request, _("The engagement is in the schedule."))
                return redirect(_week_url(timezone.localtime(entry.start).date()))
        else:
            status = 400
    return render(request, "relations/schedule_form.html", {"form": form, "entry": None}, status=status)


@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: str) -> HttpResponse:
    entry = schedules.schedule_entry_get(user=request.user, pk=parse_id(pk) or 0)
    if not schedules.may_manage(request.user, entry.leader) or entry.cancelled:
        raise Http404
    form = ScheduleEntryForm(request.POST or None, actor=request.user, entry=entry)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                schedules.schedule_entry_update(actor=request.user, entry=entry, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status_code
            else:
                messages.success(request, _("The engagement is changed."))
                return redirect(_week_url(timezone.localtime(form.cleaned_data["start"]).date()))
        else:
            status = 400
    return render(request, "relations/schedule_form.html", {"form": form, "entry": entry}, status=status)


@require_POST
def entry_cancel(request: HttpRequest, pk: str) -> HttpResponse:
    entry = schedules.schedule_entry_get(user=request.user, pk=parse_id(pk) or 0)
    try:
        schedules.schedule_entry_cancel(actor=request.user, entry=entry)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The engagement is cancelled."))
    return redirect(_week_url(timezone.localtime(entry.start).date()))
