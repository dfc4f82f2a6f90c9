"""API.md's Meetings endpoints: shapes, 201/409/400/404, and never a 500 on bad input."""

import json

import pytest

from meetings.models import Meeting, Room
from tests.api import as_, assert_error
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db


def body(room=None, *attendees, **fields):
    return {
        "title": "周例会",
        "room": room.pk if room else None,
        "start": at(9).isoformat(),
        "end": at(10).isoformat(),
        "attendees": [{"user": a.pk, "role": "required"} for a in attendees],
        **fields,
    }


def test_rooms_are_listed_for_everyone_and_created_by_administrators(room, user, admin_user):
    listed = as_(user).get("/api/v1/rooms/")
    assert listed.status_code == 200
    assert listed.json()["results"][0]["name"] == room.name
    assert_error(as_(user).post("/api/v1/rooms/", {"name": "小会议室", "capacity": 6}, format="json"), 403)
    created = as_(admin_user).post(
        "/api/v1/rooms/", {"name": "小会议室", "capacity": 6, "location": "二楼"}, format="json"
    )
    assert created.status_code == 201 and created.json()["location"] == "二楼"
    assert_error(as_(admin_user).post("/api/v1/rooms/", {"name": "x", "capacity": 0}, format="json"), 400, "invalid")


def test_create_then_a_room_clash_is_a_409_with_conflicts(room, organizer, attendee, outsider):
    created = as_(organizer).post("/api/v1/meetings/", body(room, attendee), format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["room"] == room.pk and data["attendees"][0]["user"]["id"] == attendee.pk and data["sequence"] == 0
    clash = as_(outsider).post("/api/v1/meetings/", body(room, override_reason="急"), format="json")
    error = assert_error(clash, 409, "clash")
    assert error["conflicts"][0]["kind"] == "room"
    assert error["conflicts"][0]["meeting"] == data["id"]
    assert set(error["conflicts"][0]) >= {"kind", "meeting", "start", "end"}


def test_attendee_clash_409_then_201_with_a_reason(organizer, attendee, outsider):
    assert as_(organizer).post("/api/v1/meetings/", body(None, attendee), format="json").status_code == 201
    refused = assert_error(as_(outsider).post("/api/v1/meetings/", body(None, attendee), format="json"), 409, "clash")
    assert refused["conflicts"][0]["user"] == attendee.pk
    made = as_(outsider).post("/api/v1/meetings/", body(None, attendee, override_reason="必须今天"), format="json")
    assert made.status_code == 201 and made.json()["override_reason"] == "必须今天"


def test_check_saves_nothing(room, organizer, attendee):
    as_(organizer).post("/api/v1/meetings/", body(room, attendee), format="json")
    checked = as_(organizer).post("/api/v1/meetings/check/", body(room, attendee), format="json")
    assert checked.status_code == 200
    assert sorted(c["kind"] for c in checked.json()["conflicts"]) == ["attendee", "room"]
    free = as_(organizer).post(
        "/api/v1/meetings/check/", body(room, start=at(10).isoformat(), end=at(11).isoformat()), format="json"
    )
    assert free.json() == {"conflicts": []}
    assert Meeting.objects.count() == 1


def test_patch_reschedules_and_cancel_cancels(room, organizer, attendee, outsider):
    pk = as_(organizer).post("/api/v1/meetings/", body(room, attendee), format="json").json()["id"]
    moved = as_(organizer).patch(
        f"/api/v1/meetings/{pk}/", {"start": at(14).isoformat(), "end": at(15).isoformat()}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["sequence"] == 1
    assert moved.json()["attendees"][0]["user"]["id"] == attendee.pk  # untouched
    assert_error(as_(outsider).patch(f"/api/v1/meetings/{pk}/", {"title": "x"}, format="json"), 403)
    assert_error(as_(outsider).post(f"/api/v1/meetings/{pk}/cancel/", {}, format="json"), 403)
    cancelled = as_(organizer).post(f"/api/v1/meetings/{pk}/cancel/", {"reason": "改期"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert_error(as_(organizer).post(f"/api/v1/meetings/{pk}/cancel/", {}, format="json"), 409)


def test_list_filters_by_room_and_time(room, organizer):
    other = Room.objects.create(name="第二会议室", capacity=5)
    as_(organizer).post("/api/v1/meetings/", body(room), format="json")
    as_(organizer).post(
        "/api/v1/meetings/", body(other, start=at(9, days=2).isoformat(), end=at(10, days=2).isoformat()), format="json"
    )
    client = as_(organizer)
    assert len(client.get("/api/v1/meetings/").json()["results"]) == 2
    assert [m["room"] for m in client.get(f"/api/v1/meetings/?room={room.pk}").json()["results"]] == [room.pk]
    later = client.get("/api/v1/meetings/", {"ends_after": at(12).isoformat()}).json()["results"]
    assert [m["room"] for m in later] == [other.pk]
    assert_error(client.get("/api/v1/meetings/?room=99999999999999999999999"), 400)
    assert_error(client.get("/api/v1/meetings/?ends_after=yesterday"), 400)


@pytest.mark.parametrize(
    "bad",
    [
        {"start": "not a time"},
        {"start": "10000-01-01T00:00:00+08:00"},
        {"end": "0001-01-01T00:00:00"},
        {"room": 99999999999999999999999},
        {"room": -1},
        {"attendees": [{"user": 99999999999999999999}]},
        {"attendees": [{"user": "abc", "role": "boss"}]},
        {"attendees": "everyone"},
        {"title": "\ud800"},
        {"title": ""},
        {"kind": "party"},
        {"surprise": 1},
        {"recurrence": {"freq": "weekly", "count": 400}},
    ],
)
def test_bad_bodies_are_400(organizer, bad):
    # Raw JSON (ASCII-escaped), so that a lone surrogate reaches the server as a client would send it.
    response = as_(organizer).post("/api/v1/meetings/", json.dumps({**body(), **bad}), content_type="application/json")
    assert_error(response, 400)


def test_recurrence_creates_the_occurrences(organizer):
    # The rules are tested in test_recurrence.py.
    response = as_(organizer).post(
        "/api/v1/meetings/", {**body(), "recurrence": {"freq": "weekly", "count": 2}}, format="json"
    )
    assert response.status_code == 201 and len(response.json()["occurrences"]) == 2


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "99999999999999999999999", "1.5"])
def test_forged_ids_are_404(organizer, pk):
    client = as_(organizer)
    assert_error(client.get(f"/api/v1/meetings/{pk}/"), 404)
    assert_error(client.patch(f"/api/v1/meetings/{pk}/", {"title": "x"}, format="json"), 404)
    assert_error(client.post(f"/api/v1/meetings/{pk}/cancel/", {}, format="json"), 404)


def test_anonymous_is_401():
    from rest_framework.test import APIClient

    assert_error(APIClient().get("/api/v1/meetings/"), 401)
