"""Leaders' schedules (领导日程): the services and their refusals, and the busy source feeding the
meeting clash check and the free-slot finder, at every privacy level."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.errors import Conflict, PermissionDenied, ValidationError
from core.models import AuditEvent
from meetings.busy import busy_intervals
from meetings.models import Room
from relations.models import ScheduleEntry, SchedulePrivacy
from relations.schedules import schedule_entry_cancel, schedule_entry_create, schedule_entry_update
from tests.api import as_
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 9, 26, 7, 0, tzinfo=TZ)  # Friday, before work


def t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 9, day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def trip(office_member, leader):
    def make(privacy=SchedulePrivacy.INTERNAL, *, who=None, start=None, end=None, title="赴省厅汇报"):
        return schedule_entry_create(
            actor=office_member,
            leader=who or leader,
            kind="trip",
            title=title,
            place="省城",
            start=start or t(26, 9),
            end=end or t(26, 12),
            privacy=privacy,
        )

    return make


def meeting_body(*people, **fields):
    return {
        "title": "专题会",
        "start": t(26, 10).isoformat(),
        "end": t(26, 11).isoformat(),
        "attendees": [{"user": p.pk, "role": "required"} for p in people],
        **fields,
    }


# --- Services -----------------------------------------------------------------------------------


def test_the_office_enters_changes_and_cancels_an_entry(trip, office_member, leader):
    entry = trip()
    assert entry.created_by == office_member and entry.privacy == SchedulePrivacy.INTERNAL
    schedule_entry_update(actor=office_member, entry=entry, title="赴省厅述职", end=t(26, 17))
    entry.refresh_from_db()
    assert entry.title == "赴省厅述职" and entry.end == t(26, 17)
    schedule_entry_cancel(actor=office_member, entry=entry)
    entry.refresh_from_db()
    assert entry.cancelled
    with pytest.raises(Conflict):
        schedule_entry_cancel(actor=office_member, entry=entry)
    with pytest.raises(Conflict):
        schedule_entry_update(actor=office_member, entry=entry, title="再改")
    verbs = list(AuditEvent.objects.filter(target_id=entry.pk).values_list("verb", flat=True).order_by("id"))
    assert verbs == ["schedule.create", "schedule.update", "schedule.cancel"]


def test_a_leader_enters_their_own_but_not_another_leaders(leader, deputy):
    own = schedule_entry_create(actor=leader, leader=leader, title="调研", start=t(26, 9), end=t(26, 10))
    assert own.leader == leader
    with pytest.raises(PermissionDenied):
        schedule_entry_create(actor=leader, leader=deputy, title="调研", start=t(26, 9), end=t(26, 10))
    with pytest.raises(PermissionDenied):
        schedule_entry_update(actor=deputy, entry=own, title="改")
    with pytest.raises(PermissionDenied):
        schedule_entry_cancel(actor=deputy, entry=own)


def test_staff_may_not_enter_a_leaders_schedule(user, leader):
    with pytest.raises(PermissionDenied):
        schedule_entry_create(actor=user, leader=leader, title="出差", start=t(26, 9), end=t(26, 10))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end": t(26, 9)}, "end"),
        ({"end": t(26, 8)}, "end"),
        ({"title": "  "}, "title"),
        ({"title": "两行\n标题"}, "title"),
        ({"title": "\ud800"}, "title"),
        ({"kind": "holiday"}, "kind"),
        ({"privacy": "secret"}, "privacy"),
    ],
)
def test_invalid_entries_are_refused_with_the_field(office_member, leader, fields, field):
    data = {"title": "出差", "start": t(26, 9), "end": t(26, 12), **fields}
    with pytest.raises(ValidationError) as refused:
        schedule_entry_create(actor=office_member, leader=leader, **data)
    assert field in refused.value.fields
    assert not ScheduleEntry.objects.exists()


def test_an_entry_for_someone_not_a_leader_is_refused(office_member, user):
    with pytest.raises(ValidationError) as refused:
        schedule_entry_create(actor=office_member, leader=user, title="出差", start=t(26, 9), end=t(26, 12))
    assert "leader" in refused.value.fields


# --- The busy source ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("privacy", "staff", "other_leader", "office_sees"),
    [
        (SchedulePrivacy.PUBLIC, True, True, True),
        (SchedulePrivacy.INTERNAL, False, True, True),
        (SchedulePrivacy.PRIVATE, False, False, True),
    ],
)
def test_the_busy_source_names_the_entry_only_to_whom_its_privacy_allows(
    trip, leader, deputy, user, office_member, privacy, staff, other_leader, office_sees
):
    trip(privacy)
    for viewer, sees in ((user, staff), (deputy, other_leader), (office_member, office_sees), (leader, True)):
        found = [
            i
            for i in busy_intervals(user_ids=[leader.pk], start=t(26, 0), end=t(27, 0), viewer=viewer)
            if i.source == "schedule"
        ]
        assert len(found) == 1
        assert (found[0].start, found[0].end) == (t(26, 9), t(26, 12))
        assert (found[0].title == "赴省厅汇报") is sees
        assert (found[0].organizer is not None) is sees
        assert found[0].meeting_id is None


def test_cancelled_and_touching_entries_do_not_hold_the_leader(trip, leader, office_member):
    schedule_entry_cancel(actor=office_member, entry=trip())
    trip(start=t(26, 12), end=t(26, 14))
    assert busy_intervals(user_ids=[leader.pk], start=t(26, 9), end=t(26, 12), viewer=office_member) == []


@pytest.mark.parametrize(
    ("privacy", "staff_sees"),
    [(SchedulePrivacy.PUBLIC, True), (SchedulePrivacy.INTERNAL, False), (SchedulePrivacy.PRIVATE, False)],
)
def test_a_meeting_inviting_a_leader_on_a_trip_gets_a_leader_clash(trip, leader, user, privacy, staff_sees):
    trip(privacy)
    checked = as_(user).post("/api/v1/meetings/check/", meeting_body(leader), format="json")
    assert checked.status_code == 200, checked.content
    (clash,) = checked.json()["conflicts"]
    assert clash["kind"] == "leader" and clash["user"] == leader.pk and clash["meeting"] is None
    assert (clash["title"] == "赴省厅汇报") is staff_sees
    if not staff_sees:
        assert clash["title"] is None and clash["organizer"] is None
    # Create: a soft clash, refused without a reason (the message names the entry only when seen) ...
    refused = as_(user).post("/api/v1/meetings/", meeting_body(leader), format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "clash"
    assert ("赴省厅汇报" in refused.json()["detail"]) is staff_sees
    # ... and scheduled with one.
    made = as_(user).post("/api/v1/meetings/", meeting_body(leader, override_reason="领导视频参会"), format="json")
    assert made.status_code == 201, made.content


def test_the_office_and_the_leader_see_a_private_entry_in_the_clash(trip, leader, office_member, deputy):
    trip(SchedulePrivacy.PRIVATE)
    for viewer, sees in ((office_member, True), (leader, True), (deputy, False)):
        checked = as_(viewer).post("/api/v1/meetings/check/", meeting_body(leader), format="json")
        (clash,) = checked.json()["conflicts"]
        assert (clash["title"] == "赴省厅汇报") is sees


def test_a_cancelled_trip_no_longer_clashes(trip, leader, user, office_member):
    schedule_entry_cancel(actor=office_member, entry=trip())
    checked = as_(user).post("/api/v1/meetings/check/", meeting_body(leader), format="json")
    assert checked.json() == {"conflicts": []}


@pytest.mark.parametrize("privacy", list(SchedulePrivacy))
def test_a_leaders_trip_blocks_free_slots(trip, leader, user, privacy):
    Room.objects.create(name="第一会议室", capacity=10)
    body = {
        "attendees": [user.pk, leader.pk],
        "duration_minutes": 60,
        "window_start": t(26, 0).isoformat(),
        "window_end": t(27, 0).isoformat(),
    }
    before = as_(user).post("/api/v1/meetings/free-slots/", body, format="json").json()["slots"]
    assert any(datetime.fromisoformat(s["start"]) < t(26, 12) for s in before)
    trip(privacy)
    after = as_(user).post("/api/v1/meetings/free-slots/", body, format="json")
    assert after.status_code == 200
    slots = after.json()["slots"]
    assert slots, "the afternoon is still free"
    for slot in slots:
        start, end = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
        assert end <= t(26, 9) or start >= t(26, 12)
    # Free slots say nothing of what holds the leader, whatever the privacy.
    assert "赴省厅汇报" not in after.content.decode()


def test_other_people_are_not_held_by_a_leaders_trip(trip, leader, user):
    trip(SchedulePrivacy.PUBLIC)
    staff = UserFactory(username="colleague", department=user.department)
    checked = as_(user).post("/api/v1/meetings/check/", meeting_body(staff), format="json")
    assert checked.json() == {"conflicts": []}


def test_demo_schedules_are_entered_once(office, leader, deputy, office_member):
    from relations.schedules import seed_demo_schedules

    people = {"wangjp": leader, "yangzg": deputy, "chenjg": office_member, "liuf": office_member}
    assert seed_demo_schedules(people) == 2  # gaoxy is not among them
    assert seed_demo_schedules(people) == 0
    assert set(ScheduleEntry.objects.values_list("privacy", flat=True)) == {"public", "internal"}


@pytest.mark.parametrize(
    ("privacy", "staff_sees"),
    [(SchedulePrivacy.PUBLIC, True), (SchedulePrivacy.INTERNAL, False), (SchedulePrivacy.PRIVATE, False)],
)
def test_the_meeting_forms_live_check_names_the_entry_only_when_seen(
    client_of, trip, leader, user, privacy, staff_sees
):
    trip(privacy)
    form = {
        "title": "专题会",
        "kind": "regular",
        "start": "2025-09-26T10:00",
        "end": "2025-09-26T11:00",
        "room": "",
        "location": "",
        "required": [leader.pk],
        "classification": "internal",
    }
    page = client_of(user).post("/meetings/check/", form)
    assert page.status_code == 200
    html = page.content.decode()
    assert leader.name in html
    assert ("赴省厅汇报" in html) is staff_sees
