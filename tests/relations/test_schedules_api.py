"""``/api/v1/leader-schedule/``: who lists, enters, changes and cancels; privacy on every row; the
error format; and the list's query budget at two sizes."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from relations.models import ScheduleEntry, SchedulePrivacy
from relations.schedules import schedule_entry_create
from tests.api import as_, assert_error
from tests.factories import LeaderFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 9, 24, 7, 0, tzinfo=TZ)  # Wednesday; the week runs 22–28 September
URL = "/api/v1/leader-schedule/"


def t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 9, day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def body(person, **fields):
    return {
        "leader": person.pk,
        "kind": "inspection",
        "title": "基层调研",
        "place": "城南街道",
        "start": t(25, 9).isoformat(),
        "end": t(25, 17).isoformat(),
        **fields,
    }


def entry(office_member, leader, privacy, *, title="基层调研", day=25):
    return schedule_entry_create(
        actor=office_member, leader=leader, title=title, start=t(day, 9), end=t(day, 17), privacy=privacy
    )


def test_the_office_enters_a_leaders_engagement(office_member, leader):
    made = as_(office_member).post(URL, body(leader, privacy="private"), format="json")
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["leader"]["id"] == leader.pk and data["title"] == "基层调研" and data["kind"] == "inspection"
    assert data["privacy"] == "private" and data["busy_only"] is False
    assert ScheduleEntry.objects.get().created_by == office_member


def test_a_leader_enters_their_own_but_staff_and_other_leaders_are_refused(leader, deputy, user):
    assert as_(leader).post(URL, body(leader), format="json").status_code == 201
    assert_error(as_(deputy).post(URL, body(leader), format="json"), 403)
    assert_error(as_(user).post(URL, body(leader), format="json"), 403)
    assert ScheduleEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end": "2025-09-25T08:00:00+08:00"}, "end"),
        ({"title": ""}, "title"),
        ({"title": "\ud800"}, "title"),
        ({"privacy": "secret"}, "privacy"),
        ({"kind": "holiday"}, "kind"),
        ({"colour": "red"}, "colour"),
        ({"leader": 10**30}, "leader"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(office_member, leader, fields, field):
    # Raw JSON (ASCII-escaped), so that a lone surrogate reaches the server as a client would send it.
    raw = json.dumps(body(leader, **fields))
    error = assert_error(as_(office_member).post(URL, raw, content_type="application/json"), 400)
    assert field in error["fields"], error
    assert not ScheduleEntry.objects.exists()


def test_an_entry_for_someone_not_a_leader_is_a_400(office_member, user):
    error = assert_error(as_(office_member).post(URL, body(user), format="json"), 400)
    assert "leader" in error["fields"]


@pytest.mark.parametrize(
    ("privacy", "deputy_sees"),
    [(SchedulePrivacy.PUBLIC, True), (SchedulePrivacy.INTERNAL, True), (SchedulePrivacy.PRIVATE, False)],
)
def test_the_list_shows_each_entry_by_its_privacy(office_member, leader, deputy, user, privacy, deputy_sees):
    entry(office_member, leader, privacy)
    for viewer, sees in ((office_member, True), (leader, True), (deputy, deputy_sees)):
        (row,) = as_(viewer).get(URL).json()["results"]
        assert row["busy_only"] is not sees
        assert (row["title"] == "基层调研") is sees
        if not sees:
            assert row["kind"] is None and row["place"] is None and row["note"] is None
        detail = as_(viewer).get(f"{URL}{row['id']}/").json()
        assert (detail["title"] == "基层调研") is sees
    # Staff do not get the leaders' schedule at all (their clash checks still see leaders busy).
    assert_error(as_(user).get(URL), 404)
    assert_error(as_(user).get(f"{URL}{ScheduleEntry.objects.get().pk}/"), 404)


def test_the_list_window_and_filters(office_member, leader, deputy):
    entry(office_member, leader, SchedulePrivacy.PUBLIC, title="本周", day=25)
    entry(office_member, deputy, SchedulePrivacy.PUBLIC, title="副局本周", day=26)
    entry(office_member, leader, SchedulePrivacy.PUBLIC, title="下周", day=30)
    client = as_(office_member)
    assert [r["title"] for r in client.get(URL).json()["results"]] == ["本周", "副局本周"]
    assert [r["title"] for r in client.get(URL, {"leader": leader.pk}).json()["results"]] == ["本周"]
    later = client.get(URL, {"start": "2025-09-29", "end": "2025-10-05"}).json()["results"]
    assert [r["title"] for r in later] == ["下周"]
    assert_error(client.get(URL, {"start": "2025-09-29", "end": "2025-09-01"}), 400)
    assert_error(client.get(URL, {"start": "2025-01-01", "end": "2025-12-31"}), 400)
    assert_error(client.get(URL, {"start": "nonsense"}), 400)


def test_patch_and_cancel(office_member, leader, deputy):
    pk = entry(office_member, leader, SchedulePrivacy.INTERNAL).pk
    changed = as_(office_member).patch(
        f"{URL}{pk}/", {"title": "改期调研", "end": t(25, 12).isoformat()}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "改期调研"
    assert_error(as_(office_member).patch(f"{URL}{pk}/", {"end": t(25, 8).isoformat()}, format="json"), 400)
    assert_error(as_(deputy).patch(f"{URL}{pk}/", {"title": "x"}, format="json"), 403)
    assert_error(as_(deputy).post(f"{URL}{pk}/cancel/"), 403)
    cancelled = as_(leader).post(f"{URL}{pk}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled"] is True
    assert_error(as_(leader).post(f"{URL}{pk}/cancel/"), 409)
    assert_error(as_(leader).patch(f"{URL}{pk}/", {"title": "x"}, format="json"), 409)
    assert as_(office_member).get(URL).json()["results"] == []
    assert len(as_(office_member).get(URL, {"cancelled": "true"}).json()["results"]) == 1
    assert_error(as_(office_member).get(f"{URL}abc/"), 404)


def _fill(office_member, leaders_count, per_leader):
    for n in range(leaders_count):
        person = LeaderFactory(username=f"leader-extra-{n}", department=office_member.department)
        for k in range(per_leader):
            schedule_entry_create(
                actor=office_member,
                leader=person,
                title=f"调研{k}",
                start=t(22 + k % 7, 9) + timedelta(minutes=k),
                end=t(22 + k % 7, 10),
                privacy=list(SchedulePrivacy)[k % 3],
            )


def test_the_list_queries_do_not_grow_with_rows(office_member, deputy, django_assert_max_num_queries):
    # The person's roles (office and headed departments), the page of entries with their leaders.
    _fill(office_member, 1, 2)
    client = as_(deputy)
    with django_assert_max_num_queries(3) as few:
        assert len(client.get(URL).json()["results"]) == 2
    _fill_more = _fill
    _fill_more(office_member, 3, 12)
    client = as_(deputy)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 38
