"""Reminders before meetings: by default one working day and 30 minutes before the start.

Each person who will be there (every attendee who has not declined; for one who sent a delegate,
the delegate) gets one scheduled reminder per moment through the ledger's engine
(``workload.urging.reminders_replace``; the scanner ``workload.reminders.scan_scheduled`` sends
them as ``reminder`` notifications, in-app, by e-mail and to chat robots as each person chose).
The services call ``meeting_reminders_sync`` after every change of a meeting or of a reply, in
the same transaction: a new time moves the reminders, a cancellation or a decline withdraws them.

Why not the attendee's ``meeting`` work item: that item asks for a reply and closes when the person
replies, while those who accepted are exactly the ones to remind; and the item's policy counts in
working hours before a due time, then reminds and escalates after it, which suits no meeting.

Settings: ``MEETING_REMINDER_WORKING_DAYS`` (default 1; 0: no such reminder) and
``MEETING_REMINDER_MINUTES`` (default 30; 0: none).
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import calendar
from notifications import messages
from workload.urging import reminders_replace

from .models import Attendee, AttendeeResponse, Meeting, MeetingStatus

messages.register("meeting.reminder", "%(title)s", _("The meeting starts %(start)s, %(place)s."))


def reminder_times(start: datetime) -> list[datetime]:
    """The moments to remind before a meeting starting at ``start`` (settings above)."""
    moments = []
    days = int(getattr(settings, "MEETING_REMINDER_WORKING_DAYS", 1))
    minutes = int(getattr(settings, "MEETING_REMINDER_MINUTES", 30))
    local = timezone.localtime(start)
    if days > 0:
        # The same time of day, ``days`` working days earlier (Monday 09:30 → Friday 09:30).
        earlier = calendar.add_working_days(local.date(), -days)
        moments.append(local.replace(year=earlier.year, month=earlier.month, day=earlier.day))
    if minutes > 0:
        moments.append(local - timedelta(minutes=minutes))
    return sorted(set(moments))


def who_comes(meeting: Meeting) -> list[Any]:
    """The people a scheduled meeting expects: attendees who have not declined, delegates in the
    place of those who sent one."""
    if meeting.status != MeetingStatus.SCHEDULED:
        return []
    people: dict[int, Any] = {}
    for row in Attendee.objects.filter(meeting=meeting).select_related("user", "delegate"):
        if row.response == AttendeeResponse.DECLINED:
            continue
        person = row.delegate if row.response == AttendeeResponse.DELEGATED and row.delegate else row.user
        if person.is_active:
            people.setdefault(person.pk, person)
    return list(people.values())


def meeting_reminders_sync(meeting: Meeting) -> int:
    """Bring the meeting's pending reminders in line with its time, status and replies (call inside
    the service's transaction after the change). Returns how many are pending."""
    moments = reminder_times(meeting.start)
    plan = [(person, moment) for person in who_comes(meeting) for moment in moments]
    params = {
        "title": meeting.title,
        "start": timezone.localtime(meeting.start).strftime("%Y-%m-%d %H:%M"),
        "place": meeting.place or "—",
    }
    return reminders_replace(
        target=meeting, plan=plan, message="meeting.reminder", params=params, classification=meeting.classification
    )
