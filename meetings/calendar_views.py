"""Calendar pages of meetings: a meeting's ``.ics``, the personal feed (no login: its address is
the secret) and the profile page's feed panel with its regenerate button."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.middleware import client_address

from . import feeds, ics


@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting as a calendar file (404 for one the person may not see)."""
    return ics.meeting_ics(feeds.meeting_calendar_get(user=request.user, pk=pk))


def _failures_key(request: HttpRequest) -> str:
    return f"calendar-feed-failures:{client_address(request) or 'unknown'}"


def _count_failure(request: HttpRequest) -> None:
    key, window = _failures_key(request), settings.CALENDAR_FEED_FAILURE_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's meetings as a subscription (see ``meetings.feeds``). Unknown tokens are counted
    per client address; past the limit the address is refused (429) until the window ends."""
    if (cache.get(_failures_key(request)) or 0) >= settings.CALENDAR_FEED_FAILURE_LIMIT:
        response = HttpResponse(status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(settings.CALENDAR_FEED_FAILURE_WINDOW_SECONDS)
        return response
    owner = feeds.feed_owner(token=token)
    if owner is None:
        _count_failure(request)
        raise Http404
    # No session here: the feed speaks its owner's language.
    with translation.override(owner.language or settings.LANGUAGE_CODE):
        body = ics.calendar_bytes(feeds.feed_meetings(user=owner), name=_("Xietong meetings"), feed=True)
    response = ics.ics_response(body, filename="meetings.ics")
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def calendar_feed_regenerate(request: HttpRequest) -> HttpResponse:
    """Make (or replace) the person's feed address; the old one stops working at once."""
    had = feeds.calendar_feed_of(user=request.user) is not None
    feeds.calendar_feed_regenerate(user=request.user)  # type: ignore[arg-type]
    if had:
        messages.success(request, _("Your calendar feed has a new address; the old one no longer works."))
    else:
        messages.success(request, _("Your calendar feed address is ready."))
    return redirect(reverse("accounts:profile") + "#calendar-feed")


def feed_panel(request: HttpRequest) -> dict[str, Any]:
    """The profile page's calendar panel (``accounts.profile`` registry): the address, if any."""
    feed = feeds.calendar_feed_of(user=request.user)
    url = feeds.feed_url(feed) if feed is not None else None
    return {
        "has_feed": feed is not None,
        "feed_url": url,
        "webcal_url": "webcal://" + url.split("://", 1)[1] if url else None,
        "days_back": settings.CALENDAR_FEED_DAYS_BACK,
        "days_ahead": settings.CALENDAR_FEED_DAYS_AHEAD,
    }
