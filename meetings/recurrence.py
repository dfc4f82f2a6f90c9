"""Recurring meetings (例会): a ``MeetingSeries`` whose occurrences are ordinary ``Meeting`` rows.

The rules:

- ``freq`` ``weekly`` repeats on the same weekday and time; ``daily`` on the following days. Both
  skip days that are not working days in ``core.calendar`` (weekends, statutory holidays, local
  days off; a 调休 make-up Saturday is worked): the weekly office meeting that falls in the National
  Day holiday is not held that week. ``count`` is the number of meetings held (2 to
  ``MAX_OCCURRENCES``), the first at the time given, which must be on a working day (400 otherwise).
- A series invites at most ``MAX_SERIES_INVITATIONS`` (occurrences × attendees) in one request.
- Every occurrence is validated and checked for clashes as a one-off meeting would be, and the whole
  series is saved or nothing: a room clash on any date refuses the series (no "skip the clashing
  dates": a series with holes is a surprise to the attendees; move it or book another room), and
  people's clashes are refused unless a reason is given, then recorded on the occurrences that
  needed it. The 409 lists every clash with its ``date``.
- Each occurrence has its own attendees, work items, sequence and clash record, so one can be changed
  or cancelled on its own (``scope="one"``), or it and every later scheduled occurrence of its series
  (``scope="following"``): a new time moves each of them by the same shift, other fields are set on
  each. Again all or nothing, with the clashes reported per date.
"""

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import calendar
from core.errors import Conflict, ValidationError

from . import services
from .clashes import Clash
from .models import Meeting, MeetingSeries, MeetingStatus, SeriesFrequency

MAX_OCCURRENCES = 52
# At most this many invitations (occurrences × attendees) in one request: a series is saved in one
# transaction, a row and a work item each (52 weekly meetings of 38 people fit; 52 of 500 do not).
MAX_SERIES_INVITATIONS = 2_000
SEARCH_SLACK = timedelta(days=366)  # how far past ``count`` steps the working days are looked for
SCOPE_ONE, SCOPE_FOLLOWING = "one", "following"
SCOPES = (SCOPE_ONE, SCOPE_FOLLOWING)


def occurrence_times(*, start: datetime, end: datetime, freq: str, count: int) -> list[tuple[datetime, datetime]]:
    """The ``count`` occurrences of a series starting at ``[start, end)`` (see the module's rules).
    Refused (400) when the first is not on a working day, or when ``count`` working days are not
    found within ``count`` steps and a year (the search is bounded)."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(start, zone)
    length = end - start
    step = timedelta(days=7 if freq == SeriesFrequency.WEEKLY else 1)
    times = [(start, end)]
    day = local.date()
    if not calendar.is_workday(day):
        message = _("A series must start on a working day.")
        raise ValidationError(message, fields={"start": [message]})
    last = day + step * count + SEARCH_SLACK
    while len(times) < count:
        day += step
        if day > last:
            message = _("Not enough working days for this series: choose fewer occurrences or another day.")
            raise ValidationError(message, fields={"recurrence": [message]})
        if calendar.is_workday(day):
            begin = datetime.combine(day, local.time(), tzinfo=zone)
            times.append((begin, begin + length))
    return times


def _validate(freq: str, count: int, attendees: Sequence[Any] = ()) -> None:
    fields: dict[str, list[str]] = {}
    if freq not in SeriesFrequency.values:
        fields["recurrence"] = [_("Repeat daily or weekly.")]
    elif not 2 <= count <= MAX_OCCURRENCES:
        fields["recurrence"] = [_("Between 2 and %(n)d occurrences.") % {"n": MAX_OCCURRENCES}]
    elif count * len(attendees) > MAX_SERIES_INVITATIONS:
        fields["recurrence"] = [
            _("At most %(n)d invitations in one series (occurrences × attendees): fewer occurrences or people.")
            % {"n": MAX_SERIES_INVITATIONS}
        ]
    if fields:
        raise ValidationError(fields["recurrence"][0], fields=fields)


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _series_conflict(by_date: dict[date, list[Clash]], overridable: bool) -> Conflict:
    dates = "、".join(f"{d:%Y-%m-%d}" for d in sorted(by_date))
    first = next(iter(by_date.values()))[0].describe()
    if overridable:
        message = _("Clashes on %(dates)s. %(clash)s Give a reason to schedule them anyway.") % {
            "dates": dates,
            "clash": first,
        }
    else:
        message = _("The room is taken on %(dates)s. %(clash)s") % {"dates": dates, "clash": first}
    return Conflict(message, code="clash", extra={"conflicts": flat_conflicts(by_date)})


def series_check(
    *, actor: User, start: datetime, end: datetime, freq: str, count: int, **fields: Any
) -> dict[date, list[Clash]]:
    """Each occurrence's clashes by date (only dates with clashes); saves nothing."""
    _validate(freq, count, fields.get("attendees", ()))
    found: dict[date, list[Clash]] = {}
    for begin, finish in occurrence_times(start=start, end=end, freq=freq, count=count):
        clashes = services.meeting_check(actor=actor, start=begin, end=finish, **fields)
        if clashes:
            found[_day(begin)] = clashes
    return found


def dated(by_date: dict[date, list[Clash]]) -> list[Clash]:
    """The clashes of several occurrences in date order, each carrying its occurrence's ``date``."""
    return [dataclasses.replace(c, occurrence_date=d) for d, clashes in sorted(by_date.items()) for c in clashes]


def scoped_check(*, actor: User, meeting: Meeting, scope: str = SCOPE_ONE, **fields: Any) -> dict[date, list[Clash]]:
    """The clashes ``meeting_reschedule_scoped`` would meet, by date (only dates with clashes);
    saves nothing. ``fields`` are ``services.meeting_check``'s, the form's new values: with scope
    "following" each occurrence is checked at its own date moved by the same shift, with the other
    fields set on each. The occurrences that move together never clash with one another (the save
    moves them in an order that keeps them apart), so those clashes are left out."""
    occurrences = _scope(meeting, scope)
    if len(occurrences) == 1:
        clashes = services.meeting_check(actor=actor, exclude=meeting, **fields)
        return {_day(fields.get("start", meeting.start)): clashes} if clashes else {}
    shift = fields.pop("start", meeting.start) - meeting.start
    length = fields.pop("end", None)
    duration = (length - (meeting.start + shift)) if length is not None else None
    moving = {occurrence.pk for occurrence in occurrences}
    found: dict[date, list[Clash]] = {}
    for occurrence in occurrences:
        new_start = occurrence.start + shift
        new_end = new_start + (duration if duration is not None else occurrence.end - occurrence.start)
        clashes = [
            c
            for c in services.meeting_check(actor=actor, exclude=occurrence, start=new_start, end=new_end, **fields)
            if c.meeting_id not in moving
        ]
        if clashes:
            found[_day(new_start)] = clashes
    return found


def flat_conflicts(by_date: dict[date, list[Clash]]) -> list[dict[str, Any]]:
    """The check endpoint's ``conflicts`` of a series, each with its ``date``."""
    return [{**c.as_data(), "date": d} for d, clashes in sorted(by_date.items()) for c in clashes]


@transaction.atomic
def meeting_create_series(
    *,
    actor: User,
    start: datetime,
    end: datetime,
    freq: str,
    count: int,
    override_reason: str = "",
    **fields: Any,
) -> list[Meeting]:
    """Schedule a recurring meeting: a series and one meeting per occurrence, all or nothing.
    ``fields`` are ``services.meeting_create``'s (title, room, attendees, ...)."""
    check_fields = {k: v for k, v in fields.items() if k != "department"}
    by_date = series_check(actor=actor, start=start, end=end, freq=freq, count=count, **check_fields)
    if any(c.hard for clashes in by_date.values() for c in clashes):
        raise _series_conflict({d: cs for d, cs in by_date.items() if any(c.hard for c in cs)}, overridable=False)
    if by_date and not override_reason.strip():
        raise _series_conflict(by_date, overridable=True)
    series = MeetingSeries.objects.create(freq=freq, count=count, created_by=actor)
    return [
        services.meeting_create(
            actor=actor, start=begin, end=finish, override_reason=override_reason, series=series, **fields
        )
        for begin, finish in occurrence_times(start=start, end=end, freq=freq, count=count)
    ]


def _scope(meeting: Meeting, scope: str) -> list[Meeting]:
    """The occurrences a scoped change concerns: this one, or it and the later scheduled ones."""
    if scope not in SCOPES:
        raise ValidationError(_("Choose this occurrence or all following."), fields={"scope": [_("Choose one.")]})
    if scope == SCOPE_ONE or meeting.series_id is None:
        return [meeting]
    later = Meeting.objects.filter(
        series_id=meeting.series_id, status=MeetingStatus.SCHEDULED, start__gt=meeting.start
    ).order_by("start", "id")
    return [meeting, *later]


def _each(occurrences: Sequence[Meeting], call: Callable[[Meeting], Any]) -> None:
    """Call ``call`` on every occurrence; refuse all of it (409, clashes by date) if any clashed."""
    by_date: dict[date, list[dict[str, Any]]] = {}
    refusals: list[Conflict] = []
    for occurrence in occurrences:
        try:
            call(occurrence)
        except Conflict as refusal:
            if refusal.code != "clash":
                raise
            refusals.append(refusal)
            conflicts = refusal.extra.get("conflicts")
            by_date[_day(occurrence.start)] = list(conflicts) if isinstance(conflicts, list) else []
    if refusals:
        dates = "、".join(f"{d:%Y-%m-%d}" for d in sorted(by_date))
        message = _("Clashes on %(dates)s. %(clash)s") % {"dates": dates, "clash": refusals[0].message}
        conflicts = [{**c, "date": d} for d, cs in sorted(by_date.items()) for c in cs]
        raise Conflict(message, code="clash", extra={"conflicts": conflicts})


@transaction.atomic
def meeting_reschedule_scoped(*, actor: User, meeting: Meeting, scope: str = SCOPE_ONE, **changes: Any) -> Meeting:
    """``services.meeting_reschedule`` of one occurrence or of it and all following: a new start or
    end moves every one of them by the same shift (keeping each one's date otherwise), other fields
    are set on each. All or nothing; clashes refused per date (409)."""
    occurrences = _scope(meeting, scope)
    if len(occurrences) == 1:
        return services.meeting_reschedule(actor=actor, meeting=meeting, **changes)
    shift = changes.pop("start", meeting.start) - meeting.start
    length = changes.pop("end", None)
    duration = (length - (meeting.start + shift)) if length is not None else None
    # Moved later: the last first, so that none lands on a sibling that has not moved yet.
    ordered = sorted(occurrences, key=lambda m: m.start, reverse=shift > timedelta(0))

    def move(occurrence: Meeting) -> None:
        new_start = occurrence.start + shift
        new_end = new_start + (duration if duration is not None else occurrence.end - occurrence.start)
        services.meeting_reschedule(actor=actor, meeting=occurrence, start=new_start, end=new_end, **changes)

    _each(ordered, move)
    meeting.refresh_from_db()
    return meeting


@transaction.atomic
def meeting_cancel_scoped(*, actor: User, meeting: Meeting, scope: str = SCOPE_ONE, reason: str = "") -> Meeting:
    """Cancel one occurrence, or it and every later scheduled one of its series. Each person
    concerned is told once for the whole batch (the dates listed), not once per occurrence."""
    occurrences = _scope(meeting, scope)
    cancelled = [
        services.meeting_cancel(actor=actor, meeting=occurrence, reason=reason, notify=False)
        for occurrence in occurrences
    ]
    services.meetings_cancelled_notify(actor=actor, meetings=cancelled, reason=reason.strip()[:500])
    meeting.refresh_from_db()
    return meeting
