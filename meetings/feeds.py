"""The personal calendar feed: a private address per person that calendar clients subscribe to.

The address carries a token (64 hexadecimal characters) and needs no login, so it is a secret:
only the token's SHA-256 digest is stored (``CalendarFeed``), looked up through a unique index
(the time a lookup takes says nothing about how close a guess was); a malformed token is refused
before any query; a client address that sends many unknown tokens is refused for a while (the
views). Regenerating makes a new token and the old address stops working at once; a person who
is deactivated has no feed.

The feed holds the meetings the person organizes, attends or attends as a delegate, that they may
see (``selectors.meeting_visibility``: their clearance still binds), from
``CALENDAR_FEED_DAYS_BACK`` days ago to ``CALENDAR_FEED_DAYS_AHEAD`` days ahead, cancelled ones
included (as cancelled). Classified ones are masked as every calendar file masks them (``ics``).
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import User
from core.audit import audit_record

from .models import Attendee, CalendarFeed, Meeting
from .selectors import meetings_visible, participant_condition

TOKEN = re.compile(r"[0-9a-f]{64}")
_SALT = "xietong.meetings.calendar_feed"


def _token(user_id: int, nonce: str) -> str:
    return salted_hmac(_SALT, f"{user_id}:{nonce}", algorithm="sha256").hexdigest()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """Give the person a new feed address (the first, or a new one that replaces the old at once)."""
    nonce = secrets.token_hex(32)
    feed, created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"nonce": nonce, "digest": _digest(_token(user.pk, nonce)), "created_at": timezone.now()}
    )
    audit_record(actor=user, verb="meetings.feed_create" if created else "meetings.feed_regenerate", target=user)
    return feed


def calendar_feed_of(*, user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user_id=user.pk).first()


def feed_url(feed: CalendarFeed) -> str | None:
    """The feed's full address; None if it cannot be shown again (the site's secret key changed
    since: the person regenerates it)."""
    token = _token(feed.user_id, feed.nonce)
    if _digest(token) != feed.digest:
        return None
    return f"{settings.SITE_URL.rstrip('/')}{reverse('meetings:calendar_feed', args=[token])}"


def feed_owner(*, token: str) -> User | None:
    """The active person whose feed ``token`` opens, or None (one query; none for a malformed token)."""
    if not TOKEN.fullmatch(token):
        return None
    feed = CalendarFeed.objects.filter(digest=_digest(token), user__is_active=True).select_related("user").first()
    return feed.user if feed is not None else None


def with_attendees(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """What a calendar file shows of each meeting, in two queries whatever their number."""
    attendees = Attendee.objects.select_related("user", "delegate").order_by("role", "id")
    return meetings.select_related("room", "organizer").prefetch_related(Prefetch("attendees", queryset=attendees))


def feed_meetings(*, user: Any, now: datetime | None = None) -> QuerySet[Meeting]:
    """The person's meetings in the feed's window (see the module's docstring), by start."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.CALENDAR_FEED_DAYS_BACK)
    until = now + timedelta(days=settings.CALENDAR_FEED_DAYS_AHEAD)
    mine = meetings_visible(user=user).filter(participant_condition(user), end__gt=since, start__lt=until)
    return with_attendees(mine).order_by("start", "id")


def meeting_calendar_get(*, user: Any, pk: int) -> Meeting:
    """One meeting ``user`` may see, with what its calendar file shows, or 404."""
    meeting = with_attendees(meetings_visible(user=user).filter(pk=pk)).first()
    if meeting is None:
        raise Http404
    return meeting
