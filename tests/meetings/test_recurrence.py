"""Recurring meetings (``meetings.recurrence``): occurrences on working days, clashes reported per
date, all or nothing, and changing or cancelling one occurrence or all following."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.errors import Conflict, ValidationError
from meetings.clashes import Invitee
from meetings.models import Meeting, MeetingSeries, MeetingStatus
from meetings.recurrence import meeting_cancel_scoped, meeting_create_series, meeting_reschedule_scoped
from tests.api import as_, assert_error
from workload.models import WorkItem, WorkItemStatus

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 9, 1, 8, 0, tzinfo=TZ)  # Monday 1 September 2025


def t(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _series(organizer, *, freq="weekly", count=6, start=None, room=None, attendees=(), **fields):
    start = start or t(9, 22, 9)  # Monday 22 September
    return meeting_create_series(
        actor=organizer,
        title=fields.pop("title", "局务会"),
        start=start,
        end=start + timedelta(hours=1),
        freq=freq,
        count=count,
        room=room,
        attendees=[Invitee(a) for a in attendees],
        **fields,
    )


def _days(meetings):
    return [m.start.astimezone(TZ).date() for m in meetings]


def test_weekly_skips_the_national_day_holiday(organizer, attendee, room):
    meetings = _series(organizer, room=room, attendees=[attendee])
    # Monday 6 October falls in the National Day holiday: that week has no meeting.
    assert _days(meetings) == [
        date(2025, 9, 22),
        date(2025, 9, 29),
        date(2025, 10, 13),
        date(2025, 10, 20),
        date(2025, 10, 27),
        date(2025, 11, 3),
    ]
    series = MeetingSeries.objects.get()
    assert (series.freq, series.count) == ("weekly", 6)
    assert all(m.series_id == series.pk and m.start.astimezone(TZ).hour == 9 for m in meetings)
    # Each occurrence invites its attendees and opens its own work item.
    items = WorkItem.objects.filter(assignee=attendee, status=WorkItemStatus.OPEN)
    assert sorted(items.values_list("target_id", flat=True)) == sorted(m.pk for m in meetings)


def test_daily_runs_on_working_days_including_a_make_up_sunday(organizer):
    meetings = _series(organizer, freq="daily", count=5, start=t(9, 25, 16))
    # Thursday 25, Friday 26, (Saturday off), Sunday 28 worked (调休), Monday 29, Tuesday 30.
    assert _days(meetings) == [date(2025, 9, d) for d in (25, 26, 28, 29, 30)]


def test_a_room_clash_on_one_date_refuses_the_whole_series(organizer, book, room):
    book(t(10, 13, 9), t(10, 13, 10), room=room, title="预算会")
    book(t(10, 20, 9, 30), t(10, 20, 11), room=room, title="审计会")
    with pytest.raises(Conflict) as refused:
        _series(organizer, room=room, override_reason="领导指定")
    conflicts = refused.value.extra["conflicts"]
    assert {(c["date"], c["kind"]) for c in conflicts} == {(date(2025, 10, 13), "room"), (date(2025, 10, 20), "room")}
    assert "2025-10-13" in refused.value.message and "2025-10-20" in refused.value.message
    assert Meeting.objects.count() == 2 and not MeetingSeries.objects.exists()


def test_people_clashes_need_a_reason_recorded_where_needed(organizer, book, attendee, outsider):
    book(t(9, 29, 9), t(9, 29, 10), attendees=[attendee], actor=outsider, title="人事沟通会", private=True)
    with pytest.raises(Conflict) as refused:
        _series(organizer, attendees=[attendee], count=3)
    (conflict,) = refused.value.extra["conflicts"]
    assert conflict["date"] == date(2025, 9, 29) and conflict["kind"] == "attendee"
    assert conflict["title"] is None and conflict["meeting"] is None  # private: only "busy"
    assert "人事沟通会" not in refused.value.message
    meetings = _series(organizer, attendees=[attendee], count=3, override_reason="例会时间固定")
    assert [m.override_reason for m in meetings] == ["", "例会时间固定", ""]


@pytest.mark.parametrize("count", [0, 1, 53])
def test_count_is_bounded(organizer, count):
    with pytest.raises(ValidationError):
        _series(organizer, count=count)


def test_change_one_occurrence(organizer, attendee, room):
    meetings = _series(organizer, room=room, attendees=[attendee], count=3)
    meeting_reschedule_scoped(actor=organizer, meeting=meetings[1], scope="one", title="局务会（扩大）")
    titles = list(Meeting.objects.order_by("start").values_list("title", flat=True))
    assert titles == ["局务会", "局务会（扩大）", "局务会"]


def test_move_this_and_following_by_the_same_shift(organizer, attendee, room):
    meetings = _series(organizer, room=room, attendees=[attendee], count=4)
    starts = [m.start for m in meetings]
    # One week later each: the last moves first, so none lands on a sibling still in place.
    meeting_reschedule_scoped(
        actor=organizer,
        meeting=meetings[1],
        scope="following",
        start=meetings[1].start + timedelta(days=7, hours=1),
        end=meetings[1].start + timedelta(days=7, hours=3),
    )
    rows = list(Meeting.objects.order_by("pk"))
    assert rows[0].start == meetings[0].start
    for before, after in zip(starts[1:], rows[1:], strict=True):
        assert after.start == before + timedelta(days=7, hours=1)
        assert after.end - after.start == timedelta(hours=2)
        assert after.sequence == 1
    # The work items follow their own occurrence.
    for row in rows:
        assert WorkItem.objects.get(target_id=row.pk, assignee=attendee).due_at == row.start


def test_a_clash_of_a_following_occurrence_refuses_all_of_them(organizer, book, attendee, room, outsider):
    meetings = _series(organizer, room=room, count=3)
    book(t(10, 13, 14), t(10, 13, 15), room=room, actor=outsider, title="预算会")
    with pytest.raises(Conflict) as refused:
        meeting_reschedule_scoped(
            actor=organizer, meeting=meetings[0], scope="following", start=t(9, 22, 14), end=t(9, 22, 15)
        )
    assert {c["date"] for c in refused.value.extra["conflicts"]} == {date(2025, 10, 13)}
    assert [m.start for m in Meeting.objects.filter(series__isnull=False).order_by("start")] == [
        m.start for m in meetings
    ]


def test_cancel_one_or_following(organizer, attendee):
    meetings = _series(organizer, attendees=[attendee], count=4)
    meeting_cancel_scoped(actor=organizer, meeting=meetings[0], scope="one")
    meeting_cancel_scoped(actor=organizer, meeting=meetings[2], scope="following")
    statuses = list(Meeting.objects.order_by("start").values_list("status", flat=True))
    assert statuses == [
        MeetingStatus.CANCELLED,
        MeetingStatus.SCHEDULED,
        MeetingStatus.CANCELLED,
        MeetingStatus.CANCELLED,
    ]
    open_items = WorkItem.objects.filter(assignee=attendee, status=WorkItemStatus.OPEN)
    assert list(open_items.values_list("target_id", flat=True)) == [meetings[1].pk]


# --- API ---------------------------------------------------------------------------------------------


def _body(room=None, **extra):
    return {
        "title": "局务会",
        "room": room.pk if room else None,
        "start": t(9, 22, 9).isoformat(),
        "end": t(9, 22, 10).isoformat(),
        "recurrence": {"freq": "weekly", "count": 4},
        **extra,
    }


def test_api_create_reports_occurrences_and_per_date_clashes(organizer, book, room, outsider):
    created = as_(organizer).post("/api/v1/meetings/", _body(room), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert len(body["occurrences"]) == 4 and body["id"] == body["occurrences"][0]
    assert body["series"] is not None
    refused = as_(outsider).post("/api/v1/meetings/", _body(room, title="另一个例会"), format="json")
    error = assert_error(refused, 409, "clash")
    assert sorted({c["date"] for c in error["conflicts"]}) == ["2025-09-22", "2025-09-29", "2025-10-13", "2025-10-20"]
    checked = as_(outsider).post("/api/v1/meetings/check/", _body(room), format="json")
    assert checked.status_code == 200 and len(checked.json()["conflicts"]) == 4


@pytest.mark.parametrize(
    "recurrence",
    [{"freq": "monthly", "count": 3}, {"freq": "weekly", "count": 99}, {"freq": "weekly"}, "weekly", {"x": 1}],
)
def test_api_bad_recurrence_is_a_400(organizer, recurrence):
    assert_error(as_(organizer).post("/api/v1/meetings/", _body(recurrence=recurrence), format="json"), 400)


def test_api_patch_and_cancel_with_scope(organizer, room):
    ids = as_(organizer).post("/api/v1/meetings/", _body(room), format="json").json()["occurrences"]
    moved = as_(organizer).patch(
        f"/api/v1/meetings/{ids[1]}/", {"title": "局务会（改）", "scope": "following"}, format="json"
    )
    assert moved.status_code == 200, moved.content
    titles = list(Meeting.objects.order_by("start").values_list("title", flat=True))
    assert titles == ["局务会", "局务会（改）", "局务会（改）", "局务会（改）"]
    assert_error(as_(organizer).patch(f"/api/v1/meetings/{ids[1]}/", {"scope": "all"}, format="json"), 400)
    assert_error(
        as_(organizer).patch(
            f"/api/v1/meetings/{ids[1]}/", {"recurrence": {"freq": "daily", "count": 2}}, format="json"
        ),
        400,
    )
    cancelled = as_(organizer).post(f"/api/v1/meetings/{ids[2]}/cancel/", {"scope": "following"}, format="json")
    assert cancelled.status_code == 200
    statuses = list(Meeting.objects.order_by("start").values_list("status", flat=True))
    assert statuses == ["scheduled", "scheduled", "cancelled", "cancelled"]


# --- Pages ---------------------------------------------------------------------------------------------


def _form(room=None, **fields):
    return {
        "title": "局务会",
        "kind": "regular",
        "start": "2025-09-22T09:00",
        "end": "2025-09-22T10:00",
        "room": room.pk if room else "",
        "location": "",
        "classification": "internal",
        **fields,
    }


def test_the_form_schedules_a_series_and_edits_or_cancels_following(client_of, organizer, room):
    page = client_of(organizer)
    assert 'id="recurrence-fields"' in page.get("/meetings/new/").content.decode()
    assert page.post("/meetings/new/", _form(room, repeat="weekly")).status_code == 400  # how many?
    created = page.post("/meetings/new/", _form(room, repeat="daily", count="3"))
    assert created.status_code == 302
    first, second, third = Meeting.objects.order_by("start")
    assert created["Location"] == f"/meetings/{first.pk}/"
    edit = page.get(f"/meetings/{second.pk}/edit/").content.decode()
    assert 'id="scope-field"' in edit and 'id="recurrence-fields"' not in edit
    changed = page.post(
        f"/meetings/{second.pk}/edit/",
        _form(room, title="晨会", start="2025-09-23T08:30", end="2025-09-23T09:30", scope="following"),
    )
    assert changed.status_code == 302
    rows = list(Meeting.objects.order_by("start"))
    assert [r.title for r in rows] == ["局务会", "晨会", "晨会"]
    assert rows[2].start == third.start - timedelta(minutes=30)
    assert 'id="cancel-scope"' in page.get(f"/meetings/{second.pk}/").content.decode()
    assert page.post(f"/meetings/{second.pk}/cancel/", {"scope": "following"}).status_code == 302
    assert list(Meeting.objects.order_by("start").values_list("status", flat=True)) == [
        "scheduled",
        "cancelled",
        "cancelled",
    ]


def test_the_live_check_of_a_series_names_each_date(client_of, book, organizer, room, outsider):
    book(t(9, 29, 9), t(9, 29, 10), room=room, title="预算会")
    text = client_of(outsider).post("/meetings/check/", _form(room, repeat="weekly", count="3")).content.decode()
    assert "clash-room" in text and "2025-09-29" in text
