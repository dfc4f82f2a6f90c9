"""Calendar files: one meeting's .ics (page and API) and the personal feed behind its tokened
address. Every output is parsed back with ``icalendar``."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from core.enums import Classification
from meetings import feeds
from meetings.models import CalendarFeed, Meeting
from meetings.services import meeting_cancel, meeting_reschedule
from tests.api import as_, assert_error
from tests.factories import UserFactory
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(cal):
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def path_of(url):
    """The path of a full address (the test client takes paths)."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def feed_path(person):
    return path_of(feeds.feed_url(feeds.calendar_feed_regenerate(user=person)))


def test_a_meeting_as_ics_round_trips(client_of, book, organizer, attendee, room):
    meeting = book(at(9), at(10), room=room, attendees=[attendee], title="预算会", description="议程见附件")
    cal = parse(client_of(attendee).get(f"/meetings/{meeting.pk}/calendar.ics"))
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting.pk}@127.0.0.1"
    assert str(event["SUMMARY"]) == "预算会"
    assert event["DTSTART"].dt == at(9) and event["DTEND"].dt == at(10)
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)  # written in UTC
    assert event["DTSTAMP"].dt == meeting.updated_at.replace(microsecond=0)
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "第一会议室" in str(event["LOCATION"]) and "301" in str(event["LOCATION"])
    assert str(event["DESCRIPTION"]) == "议程见附件"
    assert str(event["URL"]).endswith(f"/meetings/{meeting.pk}/")
    assert str(event["ORGANIZER"]) == f"mailto:{organizer.email}"
    (guest,) = [event["ATTENDEE"]] if not isinstance(event["ATTENDEE"], list) else event["ATTENDEE"]
    assert str(guest) == f"mailto:{attendee.email}"
    assert guest.params["PARTSTAT"] == "NEEDS-ACTION" and guest.params["ROLE"] == "REQ-PARTICIPANT"
    assert guest.params["CN"] == attendee.name


def test_the_api_gives_the_same_file_and_404_to_those_who_may_not_see_it(book, attendee, outsider):
    meeting = book(at(9), at(10), attendees=[attendee], title="人事沟通会", private=True)
    response = as_(attendee).get(f"/api/v1/meetings/{meeting.pk}/ics", HTTP_ACCEPT="text/calendar")
    assert "人事沟通会" in str(parse(response).walk("VEVENT")[0]["SUMMARY"])
    assert_error(as_(outsider).get(f"/api/v1/meetings/{meeting.pk}/ics"), 404)
    assert_error(as_(attendee).get("/api/v1/meetings/99999999/ics"), 404)
    assert as_(outsider).get("/api/v1/meetings/abc/ics").status_code == 404


def test_the_page_link_is_404_for_those_who_may_not_see_it(client_of, book, attendee, outsider):
    meeting = book(at(9), at(10), attendees=[attendee], private=True)
    assert client_of(outsider).get(f"/meetings/{meeting.pk}/calendar.ics").status_code == 404
    page = client_of(attendee).get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"/meetings/{meeting.pk}/calendar.ics" in page


def test_uid_stays_and_sequence_goes_up_on_change_and_cancel(client_of, book, organizer, attendee):
    meeting = book(at(9), at(10), attendees=[attendee])
    path = f"/meetings/{meeting.pk}/calendar.ics"
    first = parse(client_of(attendee).get(path)).walk("VEVENT")[0]
    meeting_reschedule(actor=organizer, meeting=meeting, start=at(14), end=at(15))
    moved = parse(client_of(attendee).get(path)).walk("VEVENT")[0]
    assert str(moved["UID"]) == str(first["UID"])
    assert int(moved["SEQUENCE"]) == int(first["SEQUENCE"]) + 1
    assert moved["DTSTART"].dt == at(14)
    assert moved["DTSTAMP"].dt >= first["DTSTAMP"].dt
    meeting_cancel(actor=organizer, meeting=Meeting.objects.get(pk=meeting.pk), reason="改期")
    gone = parse(client_of(attendee).get(path)).walk("VEVENT")[0]
    assert str(gone["UID"]) == str(first["UID"])
    assert int(gone["SEQUENCE"]) == int(first["SEQUENCE"]) + 2
    assert str(gone["STATUS"]) == "CANCELLED"


def test_the_feed_needs_no_login_and_holds_my_meetings_only(client, book, organizer, attendee, outsider):
    mine = book(at(9), at(10), attendees=[attendee], title="我的会")
    organized = book(at(11), at(12), attendees=[outsider], title="我组织的会", actor=attendee)
    others = book(at(13), at(14), attendees=[outsider], title="别人的会")
    far = book(at(9, days=200), at(10, days=200), attendees=[attendee], title="太远的会")
    cancelled = book(at(15), at(16), attendees=[attendee], title="取消的会")
    meeting_cancel(actor=organizer, meeting=cancelled)
    cal = parse(client.get(feed_path(attendee)))
    found = events(cal)
    uid = "meeting-{}@127.0.0.1".format
    assert set(found) == {uid(mine.pk), uid(organized.pk), uid(cancelled.pk)}
    assert uid(others.pk) not in found and uid(far.pk) not in found
    assert str(found[uid(cancelled.pk)]["STATUS"]) == "CANCELLED"
    assert str(found[uid(mine.pk)]["SUMMARY"]) == "我的会"


def test_a_delegate_sees_the_meeting_in_their_feed(client, book, attendee, outsider):
    from meetings.models import Attendee, AttendeeResponse

    meeting = book(at(9), at(10), attendees=[attendee], title="代会")
    Attendee.objects.filter(meeting=meeting, user=attendee).update(
        response=AttendeeResponse.DELEGATED, delegate=outsider
    )
    (event,) = parse(client.get(feed_path(outsider))).walk("VEVENT")
    people = {str(a): a.params for a in event["ATTENDEE"]}
    assert people[f"mailto:{attendee.email}"]["PARTSTAT"] == "DELEGATED"
    assert people[f"mailto:{outsider.email}"]["DELEGATED-FROM"] == f"mailto:{attendee.email}"


def test_partstat_follows_the_reply(client, book, attendee):
    from meetings.models import Attendee, AttendeeResponse

    meeting = book(at(9), at(10), attendees=[attendee])
    Attendee.objects.filter(meeting=meeting).update(response=AttendeeResponse.ACCEPTED)
    (event,) = parse(client.get(feed_path(attendee))).walk("VEVENT")
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_a_secret_meeting_is_only_meeting_and_its_time_in_calendar_files(client, client_of, book, department):
    cleared = UserFactory(username="cleared", clearance=Classification.SECRET, department=department)
    chair = UserFactory(username="chair", clearance=Classification.SECRET, department=department)
    meeting = book(
        at(9), at(10), attendees=[cleared], actor=chair, title="秘密议题会", classification="secret", location="机要室"
    )
    for response in (client.get(feed_path(cleared)), client_of(cleared).get(f"/meetings/{meeting.pk}/calendar.ics")):
        text = response.content.decode()
        assert "秘密议题会" not in text and "机要室" not in text and cleared.email not in text
        (event,) = parse(response).walk("VEVENT")
        assert str(event["SUMMARY"]) == "会议"  # the feed speaks its owner's language (Chinese by default)
        assert event["DTSTART"].dt == at(9)
        assert str(event["CLASS"]) == "CONFIDENTIAL"


def test_the_feed_follows_clearance(client, book, department):
    person = UserFactory(username="lowered", clearance=Classification.SECRET, department=department)
    chair = UserFactory(username="chair2", clearance=Classification.SECRET, department=department)
    book(at(9), at(10), attendees=[person], actor=chair, classification="secret")
    path = feed_path(person)
    assert len(parse(client.get(path)).walk("VEVENT")) == 1
    person.clearance = Classification.INTERNAL
    person.save()
    assert parse(client.get(path)).walk("VEVENT") == []


def test_regenerating_stops_the_old_address_at_once(client, client_of, attendee):
    page = client_of(attendee)
    assert page.get("/accounts/profile/").status_code == 200
    response = page.post("/meetings/feed/regenerate/")
    assert response.status_code == 302 and response["Location"].endswith("/accounts/profile/#calendar-feed")
    feed = CalendarFeed.objects.get(user=attendee)
    old = feeds.feed_url(feed)
    assert old in page.get("/accounts/profile/").content.decode()
    old_path = path_of(old)
    assert client.get(old_path).status_code == 200
    page.post("/meetings/feed/regenerate/")
    new = feeds.feed_url(CalendarFeed.objects.get(user=attendee))
    assert new != old
    client.logout()
    assert client.get(old_path).status_code == 404
    assert client.get(path_of(new)).status_code == 200


def test_only_a_digest_of_the_token_is_stored(attendee):
    url = feeds.feed_url(feeds.calendar_feed_regenerate(user=attendee))
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    row = CalendarFeed.objects.filter(user=attendee).values().get()
    assert token not in str(row.values())


def test_regenerate_needs_a_post_with_csrf(attendee):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(attendee)
    assert strict.get("/meetings/feed/regenerate/").status_code == 405
    assert strict.post("/meetings/feed/regenerate/").status_code == 403
    assert not CalendarFeed.objects.exists()


def test_unknown_tokens_are_404_and_too_many_are_refused(client, settings, attendee):
    settings.CALENDAR_FEED_FAILURE_LIMIT = 3
    good = feed_path(attendee)
    assert client.get("/meetings/feed/not-a-token.ics").status_code == 404
    for _ in range(2):
        assert client.get(f"/meetings/feed/{'0' * 64}.ics").status_code == 404
    assert client.get(f"/meetings/feed/{'1' * 64}.ics").status_code == 429
    assert client.get(good).status_code == 429  # the address is refused until the window ends


def test_a_deactivated_person_has_no_feed(client, attendee):
    path = feed_path(attendee)
    attendee.is_active = False
    attendee.save()
    assert client.get(path).status_code == 404


# --- Query budgets: the same count with few and with many meetings ------------------------------


def _fill(book, attendee, outsider, size):
    for n in range(size):
        book(
            at(8 + n % 10, days=1 + n // 10),
            at(8 + n % 10, 30, days=1 + n // 10),
            attendees=[attendee, outsider],
            title=f"会议{n}",
            override_reason="批量",
        )
    return Meeting.objects.order_by("-id").first()


def _count(call):
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_feed_costs_the_same_queries_whatever_the_number_of_meetings(client, book, attendee, outsider):
    path = feed_path(attendee)
    counts = []
    for size in (2, 12):
        Meeting.objects.all().delete()
        _fill(book, attendee, outsider, size)
        assert len(parse(client.get(path)).walk("VEVENT")) == size
        # The feed by its token's digest (with its owner), the meetings, their attendees.
        counts.append(_count(lambda: client.get(path)))
    assert counts == [3, 3], counts


def test_one_meetings_ics_costs_the_same_queries_whatever_its_size(client_of, book, attendee, outsider, department):
    counts = []
    for size in (2, 12):
        Meeting.objects.all().delete()
        people = [UserFactory(department=department) for _ in range(size)]
        meeting = book(at(9), at(10), attendees=[attendee, outsider, *people], override_reason="批量")
        page = client_of(attendee)
        page.get(f"/meetings/{meeting.pk}/calendar.ics")  # warm: the session
        # The session, the user, the meeting (visibility inline), its attendees.
        counts.append(_count(lambda page=page, meeting=meeting: page.get(f"/meetings/{meeting.pk}/calendar.ics")))
    assert counts == [4, 4], counts


def test_the_api_ics_has_a_fixed_query_budget(book, attendee, outsider, department):
    counts = []
    for size in (2, 12):
        Meeting.objects.all().delete()
        people = [UserFactory(department=department) for _ in range(size)]
        meeting = book(at(9), at(10), attendees=[attendee, outsider, *people], override_reason="批量")
        api = as_(attendee)
        # The meeting (visibility inline), its attendees.
        counts.append(_count(lambda api=api, meeting=meeting: api.get(f"/api/v1/meetings/{meeting.pk}/ics")))
    assert counts == [2, 2], counts


def test_feed_url_route_name():
    assert reverse("meetings:calendar_feed", args=["a" * 64]) == f"/meetings/feed/{'a' * 64}.ics"
