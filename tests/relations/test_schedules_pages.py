"""The week of all leaders (领导日程) and its forms: who gets it, privacy of entries and meetings on
it, entering and cancelling an engagement, and the page's query budget at two sizes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from meetings.models import Attendee, Meeting
from relations.models import ScheduleEntry, SchedulePrivacy
from relations.schedules import schedule_entry_create
from tests.factories import LeaderFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 9, 24, 7, 0, tzinfo=TZ)  # Wednesday; the week runs 22–28 September
URL = "/leader-schedule/"


def t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 9, day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _meeting(person, *, title, private=False, day=23, organizer=None):
    meeting = Meeting.objects.create(
        title=title,
        organizer=organizer or person,
        start=t(day, 14),
        end=t(day, 15),
        private=private,
        room_held_until=t(day, 15),
    )
    Attendee.objects.create(meeting=meeting, user=person, start=meeting.start, end=meeting.end)
    return meeting


def test_staff_get_a_404(client_of, user, leader):
    assert client_of(user).get(URL).status_code == 404
    assert client_of(user).get(URL + "new/").status_code == 404


@pytest.mark.parametrize(
    ("privacy", "deputy_sees"),
    [(SchedulePrivacy.PUBLIC, True), (SchedulePrivacy.INTERNAL, True), (SchedulePrivacy.PRIVATE, False)],
)
def test_the_week_shows_entries_by_privacy(client_of, office_member, leader, deputy, privacy, deputy_sees):
    schedule_entry_create(
        actor=office_member,
        leader=leader,
        title="赴县调研",
        place="东县",
        start=t(25, 9),
        end=t(25, 17),
        privacy=privacy,
    )
    for viewer, sees in ((office_member, True), (leader, True), (deputy, deputy_sees)):
        page = client_of(viewer).get(URL)
        assert page.status_code == 200
        html = page.content.decode()
        assert f'id="leader-{leader.pk}"' in html and f'id="leader-{deputy.pk}"' in html
        assert ("赴县调研" in html) is sees
        assert ("东县" in html) is sees
        assert 'data-source="schedule"' in html


def test_the_week_shows_meetings_a_viewer_may_not_see_as_busy(client_of, office_member, leader, deputy):
    _meeting(leader, title="常务会议")
    _meeting(leader, title="私下约谈", private=True, day=24)
    html = client_of(office_member).get(URL).content.decode()
    assert "常务会议" in html and "私下约谈" not in html
    assert html.count('data-source="meeting"') == 4  # each meeting on the table and on the phone cards
    assert "私下约谈" in client_of(leader).get(URL).content.decode()


def test_the_week_navigates(client_of, office_member, leader):
    schedule_entry_create(actor=office_member, leader=leader, title="下周出差", start=t(30, 9), end=t(30, 17))
    client = client_of(office_member)
    assert "下周出差" not in client.get(URL).content.decode()
    assert "下周出差" in client.get(URL, {"date": "2025-09-29"}).content.decode()
    assert client.get(URL, {"date": "nonsense"}).status_code == 200
    assert client.get(URL, {"date": "0001-01-01"}).status_code == 200


def test_the_office_enters_and_cancels_an_engagement(client_of, office_member, leader):
    client = client_of(office_member)
    assert client.get(URL + "new/").status_code == 200
    posted = client.post(
        URL + "new/",
        {
            "leader": leader.pk,
            "kind": "reception",
            "title": "接待省考察组",
            "place": "",
            "start": "2025-09-25 09:00",
            "end": "2025-09-25 11:00",
            "privacy": "public",
            "note": "",
        },
    )
    assert posted.status_code == 302
    entry = ScheduleEntry.objects.get()
    assert entry.kind == "reception" and entry.start == t(25, 9)
    assert client.get(f"{URL}{entry.pk}/edit/").status_code == 200
    bad = client.post(
        f"{URL}{entry.pk}/edit/",
        {
            "leader": leader.pk,
            "kind": "trip",
            "title": "x",
            "start": "2025-09-25 09:00",
            "end": "2025-09-25 08:00",
            "privacy": "public",
        },
    )
    assert bad.status_code == 400
    assert client.post(f"{URL}{entry.pk}/cancel/").status_code == 302
    entry.refresh_from_db()
    assert entry.cancelled
    assert client.get(f"{URL}abc/edit/").status_code == 404
    assert client.get(f"{URL}{10**30}/edit/").status_code == 404


def test_a_leader_may_not_enter_for_another_and_staff_may_not_post(client_of, leader, deputy, user):
    form = {
        "leader": deputy.pk,
        "kind": "trip",
        "title": "出差",
        "start": "2025-09-25 09:00",
        "end": "2025-09-25 17:00",
        "privacy": "internal",
    }
    assert client_of(leader).post(URL + "new/", form).status_code == 400  # not among the leaders offered
    assert client_of(user).post(URL + "new/", form).status_code == 404
    assert not ScheduleEntry.objects.exists()


def _fill(office_member, leaders_count, per_leader):
    bureau = office_member.department
    for n in range(leaders_count):
        person = LeaderFactory(username=f"extra-leader-{n}", department=bureau)
        for k in range(per_leader):
            schedule_entry_create(
                actor=office_member,
                leader=person,
                title=f"调研{k}",
                start=t(22 + k % 7, 9) + timedelta(minutes=k),
                end=t(22 + k % 7, 10),
                privacy=list(SchedulePrivacy)[k % 3],
            )
            _meeting(person, title=f"会{k}", day=22 + k % 7, private=k % 2 == 0, organizer=UserFactory())


def test_the_week_queries_do_not_grow(client_of, office_member, deputy, django_assert_max_num_queries):
    # Session and user; the viewer's roles; the leaders; the entries with their leaders; meetings'
    # busy intervals (attendances, delegations, the visible ones); the navigation's office role.
    _fill(office_member, 1, 2)
    client = client_of(deputy)
    client.get(URL)
    with django_assert_max_num_queries(12) as few:
        assert client.get(URL).status_code == 200
    _fill(office_member, 4, 14)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200
