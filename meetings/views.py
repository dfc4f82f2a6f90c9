"""Pages of meetings: my meetings, a meeting, schedule/change it with the live clash check, cancel
it, and the room calendar (day or week, every room side by side).

Every action POSTs, calls its service and redirects (PRG); a refusal re-renders the form with the
service's message and the clashes, with the refusal's status (400/403/409). What a person may not
see is a 404; in clash lists and on the room calendar it is only "busy".
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError, ValidationError
from core.filters import parse_id

from . import recurrence, selectors, services
from .clashes import Clash
from .forms import CancelForm, MeetingForm
from .models import AttendeeRole, Meeting, MeetingStatus
from .pages_followup import followup_sections
from .recurrence_forms import ScopedCancelForm, SeriesMeetingForm
from .slot_forms import prefill_from_query

LIST_SIZE = 100


def _attempt(form: MeetingForm | None, call: Any) -> tuple[Any, DomainError | None]:
    try:
        return call(), None
    except DomainError as error:
        if form is not None:
            for field, problems in error.fields.items():
                name = "required" if field == "attendees" else field
                if name in form.fields:
                    for problem in problems:
                        form.add_error(name, problem)
        return None, error


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The person's own meetings (organized, invited, delegated): upcoming first, or ``?past=1``."""
    past = request.GET.get("past") == "1"
    now = timezone.now()
    mine = selectors.my_meetings(user=request.user)
    rows = (
        mine.filter(end__lte=now).order_by("-start", "-id")
        if past
        else mine.filter(end__gt=now).order_by("start", "id")
    )
    return render(request, "meetings/meeting_list.html", {"meetings": list(rows[:LIST_SIZE]), "past": past})


def _form_page(
    request: HttpRequest, form: MeetingForm, *, meeting: Meeting | None, error: DomainError | None, clashes: list[Clash]
) -> HttpResponse:
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "meeting": meeting, "refusal": error, "clashes": clashes},
        status=error.status_code if error is not None else 200,
    )


def _clashes_after(request: HttpRequest, form: SeriesMeetingForm, meeting: Meeting | None) -> list[Clash]:
    """The clash list to show beside a refusal (a read: the same check the service made)."""
    try:
        return form.check(request.user, meeting)  # type: ignore[arg-type]
    except DomainError:
        return []


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    initial = {"start": start, "end": start + timedelta(hours=1), **prefill_from_query(request.GET)}
    form = SeriesMeetingForm(request.POST or None, initial=initial)
    error: DomainError | None = None
    clashes: list[Clash] = []
    if request.method == "POST":
        if form.is_valid():
            meeting, error = _attempt(form, lambda: form.create(request.user))  # type: ignore[arg-type]
            if meeting is not None:
                messages.success(request, _("The meeting is scheduled; the attendees are invited."))
                return redirect(meeting)
            if error is not None and error.code == "clash":
                clashes = _clashes_after(request, form, None)
        else:
            error = ValidationError(_("Please correct the marked fields."))
    return _form_page(request, form, meeting=None, error=error, clashes=clashes)


@require_POST
def meeting_check(request: HttpRequest) -> HttpResponse:
    """htmx: the clashes of the form as it stands (``?meeting=<id>``: the meeting being changed)."""
    meeting = None
    if "meeting" in request.GET:
        pk = parse_id(request.GET["meeting"])
        meeting = selectors.meeting_get(user=request.user, pk=pk or 0)
    form = SeriesMeetingForm(request.POST)
    clashes: list[Clash] = []
    problem = ""
    if form.is_valid():
        clashes, error = _attempt(None, lambda: form.check(request.user, meeting))  # type: ignore[arg-type]
        problem = error.message if error is not None else ""
    return render(request, "meetings/_clashes.html", {"clashes": clashes or [], "problem": problem, "checked": True})


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return meeting_page(request, pk)


def meeting_page(
    request: HttpRequest, pk: int, *, refusal: DomainError | None = None, bound: dict[str, Any] | None = None
) -> HttpResponse:
    """The meeting page; a follow-up action that was refused shows it again with the refusal, its
    status and the form as submitted (``bound``, by section name)."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    attendees = list(meeting.attendees.all())
    context = {
        "meeting": meeting,
        "required": [a for a in attendees if a.role == AttendeeRole.REQUIRED],
        "optional": [a for a in attendees if a.role == AttendeeRole.OPTIONAL],
        "may_manage": meeting.status == MeetingStatus.SCHEDULED and services.may_manage(request.user, meeting),
        "cancel_form": CancelForm(),
        **followup_sections(request, meeting, attendees, bound=bound),
        "refusal": refusal,
    }
    status = refusal.status_code if refusal is not None else 200
    return render(request, "meetings/meeting_detail.html", context, status=status)


def _initial(meeting: Meeting) -> dict[str, Any]:
    attendees = list(meeting.attendees.all())
    return {
        "title": meeting.title,
        "kind": meeting.kind,
        "start": timezone.localtime(meeting.start),
        "end": timezone.localtime(meeting.end),
        "room": meeting.room,
        "location": meeting.location,
        "required": [a.user for a in attendees if a.role == AttendeeRole.REQUIRED],
        "optional": [a.user for a in attendees if a.role == AttendeeRole.OPTIONAL],
        "private": meeting.private,
        "classification": meeting.classification,
        "description": meeting.description,
    }


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    services.meeting_check_changeable(actor=request.user, meeting=meeting)  # the form only for who may save it
    form = SeriesMeetingForm(request.POST or None, initial=_initial(meeting))
    error: DomainError | None = None
    clashes: list[Clash] = []
    if request.method == "POST":
        if form.is_valid():
            done, error = _attempt(
                form,
                lambda: form.reschedule(request.user, meeting),  # type: ignore[arg-type]
            )
            if done is not None:
                messages.success(request, _("The meeting is changed; the attendees are told."))
                return redirect(meeting)
            if error is not None and error.code == "clash":
                clashes = _clashes_after(request, form, meeting)
        else:
            error = ValidationError(_("Please correct the marked fields."))
    return _form_page(request, form, meeting=meeting, error=error, clashes=clashes)


@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    form = ScopedCancelForm(request.POST)
    valid = form.is_valid()
    reason = form.cleaned_data["reason"] if valid else ""
    scope = (form.cleaned_data["scope"] if valid else "") or recurrence.SCOPE_ONE
    _done, error = _attempt(
        None,
        lambda: recurrence.meeting_cancel_scoped(
            actor=request.user,  # type: ignore[arg-type]
            meeting=meeting,
            reason=reason,
            scope=scope,
        ),
    )
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The meeting is cancelled; the attendees are told."))
    return redirect(meeting)


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@require_GET
def room_calendar(request: HttpRequest) -> HttpResponse:
    """Every active room side by side for a day (``?view=day``) or a week (Monday first)."""
    week = request.GET.get("view") != "day"
    day = _day(request.GET.get("date"))
    if not date(1900, 1, 8) <= day <= date(9998, 12, 20):
        day = timezone.localdate()
    first = day - timedelta(days=day.weekday()) if week else day
    days = [first + timedelta(days=n) for n in range(7 if week else 1)]
    zone = timezone.get_current_timezone()
    start = datetime.combine(days[0], time.min, tzinfo=zone)
    end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=zone)
    rooms, meetings = selectors.room_calendar(user=request.user, start=start, end=end)
    cells: dict[tuple[date, int], list[Meeting]] = {}
    for meeting in meetings:
        local_start, local_end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
        for d in days:
            if local_start.date() <= d <= local_end.date() and meeting.room_id is not None:
                cells.setdefault((d, meeting.room_id), []).append(meeting)
    grid = [(d, [(room, cells.get((d, room.pk), [])) for room in rooms]) for d in days]
    step = timedelta(days=7 if week else 1)
    context = {
        "rooms": rooms,
        "grid": grid,
        "week": week,
        "day": day,
        "previous": first - step,
        "next": first + step,
        "today": timezone.localdate(),
    }
    return render(request, "meetings/room_calendar.html", context)
