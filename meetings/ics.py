"""iCalendar (RFC 5545) files of meetings: one meeting's ``.ics`` and a person's feed.

Every meeting is one VEVENT: an occurrence of a recurring meeting is a meeting row of its own, so
it is an event of its own with its own UID. ``UID`` is ``meeting-<id>@<site host>`` and never
changes; ``SEQUENCE`` is the meeting's ``sequence`` (bumped by the services on every change and on
cancelling); a cancelled meeting stays in the file with ``STATUS:CANCELLED``, so that a calendar
client removes or strikes it instead of keeping a stale copy. Times are in UTC (``...Z``), which
every client converts to its own zone.

Calendar files leave the portal (a phone, a desktop client, a calendar service that syncs them):
for a meeting classified 秘密 and above a file says only "Meeting", its time, status and link to
the portal (which asks for a login); never the title, place, description or people. The same rule
as the chat-robot channel (``notifications.presentation.ROBOT_MASK_FROM``).
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext
from icalendar import Calendar, Event, vCalAddress, vText

from core.enums import Classification
from notifications.presentation import ROBOT_MASK_FROM

from .models import Attendee, AttendeeResponse, AttendeeRole, Meeting, MeetingStatus

MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Xietong//Meetings//ZH"

_PARTSTAT = {
    AttendeeResponse.PENDING: "NEEDS-ACTION",
    AttendeeResponse.ACCEPTED: "ACCEPTED",
    AttendeeResponse.DECLINED: "DECLINED",
    AttendeeResponse.DELEGATED: "DELEGATED",
}


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "xietong"


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting's whole life, whatever changes (the client matches updates by it)."""
    return f"meeting-{meeting.pk}@{site_host()}"


def masked(meeting: Meeting) -> bool:
    """Whether a calendar file may name only that there is a meeting (see the module's docstring)."""
    return Classification.rank(meeting.classification) >= Classification.rank(ROBOT_MASK_FROM)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _address(person: object, **params: str) -> vCalAddress:
    # A person without an e-mail address is named by a URN: no client would send mail to it.
    email = getattr(person, "email", "")
    address = vCalAddress(f"mailto:{email}" if email else f"urn:xietong:user:{getattr(person, 'pk', 0)}")
    address.params["CN"] = vText(getattr(person, "display_name", ""))
    for name, value in params.items():
        address.params[name] = vText(value)
    return address


def _attendees(event: Event, rows: Iterable[Attendee]) -> None:
    for row in rows:
        role = "REQ-PARTICIPANT" if row.role == AttendeeRole.REQUIRED else "OPT-PARTICIPANT"
        params = {"ROLE": role, "PARTSTAT": _PARTSTAT.get(AttendeeResponse(row.response), "NEEDS-ACTION")}
        delegate = row.delegate if row.response == AttendeeResponse.DELEGATED else None
        if delegate is not None:
            params["DELEGATED-TO"] = _address(delegate).to_ical().decode()
        event.add("attendee", _address(row.user, **params), encode=False)
        if delegate is not None:
            event.add(
                "attendee",
                _address(
                    delegate,
                    ROLE=role,
                    PARTSTAT="ACCEPTED",
                    **{"DELEGATED-FROM": _address(row.user).to_ical().decode()},
                ),
                encode=False,
            )


def meeting_event(meeting: Meeting) -> Event:
    """One meeting as a VEVENT (``meeting.attendees`` prefetched with user and delegate)."""
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    # The moment of the meeting's last revision: a feed has no METHOD of its own to stamp.
    event.add("dtstamp", _utc(meeting.updated_at))
    event.add("created", _utc(meeting.created_at))
    event.add("last-modified", _utc(meeting.updated_at))
    event.add("dtstart", _utc(meeting.start))
    event.add("dtend", _utc(meeting.end))
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("url", f"{settings.SITE_URL.rstrip('/')}{meeting.get_absolute_url()}")
    if masked(meeting):
        event.add("summary", gettext("Meeting"))
        event.add("class", "CONFIDENTIAL")
        return event
    event.add("summary", meeting.title)
    event.add("class", "PRIVATE" if meeting.private else "PUBLIC")
    place = meeting.place
    if meeting.room is not None and meeting.room.location:
        place = f"{place} ({meeting.room.location})"
    if place:
        event.add("location", place)
    if meeting.description:
        event.add("description", meeting.description)
    event.add("organizer", _address(meeting.organizer), encode=False)
    _attendees(event, meeting.attendees.all())
    return event


def calendar_bytes(meetings: Iterable[Meeting], *, name: str, feed: bool = False) -> bytes:
    """A VCALENDAR of ``meetings``; ``feed``: a subscription, which clients refresh hourly."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if feed:
        cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
    for meeting in meetings:
        cal.add_component(meeting_event(meeting))
    return cal.to_ical()


def ics_response(body: bytes, *, filename: str) -> HttpResponse:
    """A calendar file as a download (pages and the API share it); never cached by proxies."""
    response = HttpResponse(body, content_type=MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def meeting_ics(meeting: Meeting) -> HttpResponse:
    """One meeting's ``.ics`` (in the active language)."""
    name = gettext("Meeting") if masked(meeting) else meeting.title
    return ics_response(calendar_bytes([meeting], name=name), filename=f"meeting-{meeting.pk}.ics")
