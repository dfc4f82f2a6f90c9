"""The free-slot page: attendees, duration, days and seats → the earliest slots with their free
rooms; choosing a slot's room opens the booking form filled in with it."""

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.errors import DomainError

from .slot_forms import FreeSlotForm
from .slots import GRANULARITY, MAX_SLOTS, find_free_slots


@require_GET
def free_slots(request: HttpRequest) -> HttpResponse:
    """A read, so a GET form: the results can be bookmarked and shared."""
    today = timezone.localdate()
    searched = "attendees" in request.GET or "first_day" in request.GET
    form = FreeSlotForm(
        request.GET if searched else None,
        initial={"first_day": today, "last_day": today + timedelta(days=13), "duration_minutes": 60},
    )
    rows: list[tuple[Any, list[tuple[Any, str]]]] = []
    problem = ""
    status = 200
    if searched:
        if form.is_valid():
            start, end = form.window()
            attendees = list(form.cleaned_data["attendees"])
            try:
                found = find_free_slots(
                    viewer=request.user,
                    attendee_ids=[p.pk for p in attendees],
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    window_start=start,
                    window_end=end,
                    min_capacity=form.cleaned_data["min_capacity"] or 0,
                )
            except DomainError as error:
                problem, status = error.message, error.status_code
                for field, messages in error.fields.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
                found = []
            create = reverse("meetings:meeting_create")
            for slot in found:
                base = [
                    ("start", f"{timezone.localtime(slot.start):%Y-%m-%dT%H:%M}"),
                    ("end", f"{timezone.localtime(slot.end):%Y-%m-%dT%H:%M}"),
                    *(("required", str(p.pk)) for p in attendees),
                ]
                links = [(room, f"{create}?{urlencode([*base, ('room', str(room.pk))])}") for room in slot.rooms]
                rows.append((slot, links))
        else:
            status = 400
    context = {
        "form": form,
        "searched": searched,
        "rows": rows,
        "problem": problem,
        "granularity": int(GRANULARITY.total_seconds() // 60),
        "max_slots": MAX_SLOTS,
    }
    return render(request, "meetings/free_slots.html", context, status=status)
