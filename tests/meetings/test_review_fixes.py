"""Fixes of a review of meetings: classification changes reach derived records, recurrence bounds,
private meetings' decisions, who records a position, agenda-review items on cancel and reschedule,
delegates told of changes, locking, and smaller input checks."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from affairs.models import Matter
from core.enums import Classification
from core.errors import Conflict, ValidationError
from meetings import services
from meetings import services_followup as followup
from meetings.models import Attendee
from notifications.models import Notification
from notifications.robots import compose
from tests.api import as_, assert_error
from tests.factories import UserFactory
from tests.meetings.conftest import at
from workload.models import WorkItem, WorkItemKind

pytestmark = pytest.mark.django_db


def _clear(*people, level=Classification.SECRET):
    for person in people:
        person.clearance = level
        person.save(update_fields=["clearance"])


# --- 1. A classification-only change reaches the work items, the matters and the robots ----------


def test_a_raised_classification_reaches_the_items_and_the_robot_masks_the_cancellation(book, organizer, attendee):
    _clear(organizer, attendee)
    meeting = book(at(9), at(10), attendees=[attendee], title="机构改革方案研究")
    agenda = followup.agenda_item_propose(
        actor=attendee, meeting=meeting, title="机构改革议题", presenter=attendee, duration_minutes=10
    )
    services.meeting_reschedule(actor=organizer, meeting=meeting, classification=Classification.SECRET)
    item = WorkItem.objects.get(target_id=meeting.pk, assignee=attendee, kind=WorkItemKind.MEETING)
    assert item.classification == Classification.SECRET
    review = WorkItem.objects.get(target_id=agenda.pk, kind=WorkItemKind.AGENDA_REVIEW)
    assert review.classification == Classification.SECRET
    told = Notification.objects.filter(recipient=attendee, target_id=meeting.pk).order_by("-id").first()
    assert told is not None and told.classification == Classification.SECRET  # a classification change is a change
    services.meeting_cancel(actor=organizer, meeting=meeting, reason="改期")
    notice = Notification.objects.filter(recipient=attendee, target_id=meeting.pk).order_by("-id").first()
    assert notice.classification == Classification.SECRET
    headline, text = compose(notice)
    assert "机构改革" not in headline and "机构改革" not in text


def test_a_raise_is_refused_while_a_delegate_is_not_cleared(book, organizer, attendee, department):
    _clear(organizer, attendee)
    colleague = UserFactory(username="colleague", name="冯同事", department=department)  # internal only
    meeting = book(at(9), at(10), attendees=[attendee])
    followup.attendance_respond(actor=attendee, meeting=meeting, response="delegate", delegate=colleague)
    with pytest.raises(ValidationError) as refused:
        services.meeting_reschedule(actor=organizer, meeting=meeting, classification=Classification.SECRET)
    assert "冯同事" in str(refused.value.message)
    meeting.refresh_from_db()
    assert meeting.classification == Classification.INTERNAL
    response = as_(organizer).patch(f"/api/v1/meetings/{meeting.pk}/", {"classification": "secret"}, format="json")
    assert_error(response, 400)


def test_a_raise_raises_the_decisions_matters(book, head, attendee):
    _clear(head, attendee)
    meeting = book(at(9), at(10), attendees=[attendee], actor=head)
    decision = followup.decision_record(
        actor=head, meeting=meeting, text="形成方案", lead=attendee, due_on=timezone.localdate() + timedelta(days=7)
    )
    services.meeting_reschedule(actor=head, meeting=meeting, classification=Classification.SECRET)
    matter = Matter.objects.get(pk=decision.matter_id)
    assert matter.classification == Classification.SECRET
    assert not WorkItem.objects.filter(target_id=matter.pk, kind=WorkItemKind.MATTER).exclude(
        classification=Classification.SECRET
    )


def test_a_raise_is_refused_once_the_minutes_were_issued(book, head, attendee):
    _clear(head, attendee)
    meeting = book(at(9), at(10), attendees=[attendee], actor=head)
    followup.minutes_save(actor=head, meeting=meeting, text="会议纪要正文", publish=True)
    followup.minutes_issue(actor=head, meeting=meeting)
    with pytest.raises(Conflict) as refused:
        services.meeting_reschedule(actor=head, meeting=meeting, classification=Classification.SECRET)
    assert refused.value.code == "minutes_issued"


# --- 2. A series starts on a working day; the search for its days is bounded ----------------------


def _day_off(days_ahead=20):
    from core import calendar

    day = timezone.localdate() + timedelta(days=days_ahead)
    while calendar.is_workday(day) or day.weekday() != 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(9), tzinfo=timezone.get_current_timezone())


@pytest.mark.parametrize("freq", ["weekly", "daily"])
def test_a_series_starting_on_a_day_off_is_refused(organizer, freq):
    start = _day_off()
    body = {
        "title": "周六值班会",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "recurrence": {"freq": freq, "count": 10},
    }
    for url in ("/api/v1/meetings/check/", "/api/v1/meetings/"):
        assert_error(as_(organizer).post(url, body, format="json"), 400)


def test_the_search_for_a_series_days_is_bounded(organizer, monkeypatch):
    from meetings import recurrence

    first = at(9, days=7)
    monkeypatch.setattr(recurrence.calendar, "is_workday", lambda day: day == first.date())
    with pytest.raises(ValidationError):
        recurrence.occurrence_times(start=first, end=first + timedelta(hours=1), freq="weekly", count=3)


# --- 3. A private meeting's decision is supervised: its matter is seen by the office -------------


def test_a_private_meetings_decision_is_a_matter_the_office_sees_though_not_the_meeting(
    book, head, attendee, office_member, leader, client_of
):
    meeting = book(at(9), at(10), attendees=[attendee], private=True, title="人事调整密谈", actor=head)
    page = client_of(head).get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="decision-private-notice"' in page  # the form says the matter will be seen
    decision = followup.decision_record(
        actor=head, meeting=meeting, text="调整方案", lead=attendee, due_on=timezone.localdate() + timedelta(days=7)
    )
    for person in (office_member, leader):
        assert as_(person).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
        seen = as_(person).get(f"/api/v1/matters/{decision.matter_id}/")
        assert seen.status_code == 200 and seen.json()["title"] == "调整方案"
    public = book(at(11), at(12), attendees=[attendee], actor=head)
    assert 'id="decision-private-notice"' not in client_of(head).get(f"/meetings/{public.pk}/").content.decode()


# --- 4. Positions are recorded for party departments only ------------------------------------------


def test_only_heads_of_party_departments_record_positions(book, organizer, attendee, client_of):
    from meetings.models import MeetingKind, Position
    from tests.factories import DepartmentFactory

    other = DepartmentFactory(name="无关处", code="unrelated")
    other_head = UserFactory(username="otherhead", department=other)
    other.head = other_head
    other.save()
    party = DepartmentFactory(name="财务处", code="finance")
    party_head = UserFactory(username="partyhead", department=party)
    party.head = party_head
    party.save()
    invited = UserFactory(username="financestaff", department=party)
    meeting = book(at(9), at(10), attendees=[attendee, invited], kind=MeetingKind.COORDINATION)
    url = f"/api/v1/meetings/{meeting.pk}/positions/"
    refused = as_(other_head).post(url, {"department": other.pk, "text": "我处立场"}, format="json")
    assert_error(refused, 403)
    page = client_of(other_head).get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'name="position-department"' not in page
    assert as_(party_head).post(url, {"department": party.pk, "text": "同意"}, format="json").status_code == 201
    page = client_of(party_head).get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'name="position-department"' in page and f'value="{other.pk}"' not in page
    # The organizer and the office still record for any department (one that came uninvited, say).
    assert as_(organizer).post(url, {"department": other.pk, "text": "代录"}, format="json").status_code == 201
    assert set(Position.objects.filter(meeting=meeting).values_list("department_id", flat=True)) == {
        party.pk,
        other.pk,
    }


# --- 5. Agenda-review items follow their meeting ------------------------------------------------


def _review_of(item):
    return WorkItem.objects.get(target_id=item.pk, kind=WorkItemKind.AGENDA_REVIEW)


def test_agenda_review_items_move_with_the_meeting_and_close_when_it_is_cancelled(book, organizer, attendee):
    from workload.models import WorkItemStatus

    meeting = book(at(9), at(10), attendees=[attendee])
    proposed = followup.agenda_item_propose(
        actor=attendee, meeting=meeting, title="议题", presenter=attendee, duration_minutes=10
    )
    assert _review_of(proposed).due_at == at(9)
    services.meeting_reschedule(actor=organizer, meeting=meeting, start=at(14, days=2), end=at(15, days=2))
    assert _review_of(proposed).due_at == at(14, days=2)
    services.meeting_cancel(actor=organizer, meeting=meeting, reason="改期")
    review = _review_of(proposed)
    assert review.status == WorkItemStatus.CANCELLED and review.outcome == "meeting cancelled"


# --- 6. Delegates are told of a change -----------------------------------------------------------


def test_a_delegate_is_told_of_a_reschedule(book, organizer, attendee, department):
    colleague = UserFactory(username="colleague", department=department)
    meeting = book(at(9), at(10), attendees=[attendee])
    followup.attendance_respond(actor=attendee, meeting=meeting, response="delegate", delegate=colleague)
    services.meeting_reschedule(actor=organizer, meeting=meeting, start=at(14), end=at(15))
    told = set(Notification.objects.filter(target_id=meeting.pk, kind="changed").values_list("recipient_id", flat=True))
    assert told == {attendee.pk, colleague.pk}


# --- 8. Forged ids in the booking form's pre-filling ---------------------------------------------


@pytest.mark.parametrize("query", ["required=99999999999999999999999", "room=99999999999999999999999"])
def test_a_forged_id_in_the_prefill_is_left_out(organizer, client_of, query):
    client = client_of(organizer)
    client.raise_request_exception = False
    assert client.get(f"/meetings/new/?{query}").status_code == 200


# --- 9. A change is not refused for what it keeps -------------------------------------------------


def test_a_change_keeping_a_deactivated_attendee_or_a_retired_room_goes_through(book, organizer, attendee, room):
    from meetings.clashes import Invitee

    meeting = book(at(9), at(10), attendees=[attendee], room=room)
    attendee.is_active = False
    attendee.save(update_fields=["is_active"])
    room.active = False
    room.save(update_fields=["active"])
    changed = as_(organizer).patch(f"/api/v1/meetings/{meeting.pk}/", {"title": "新标题"}, format="json")
    assert changed.status_code == 200, changed.content
    # New ones are still checked: a deactivated person cannot be invited, a retired room not chosen.
    other = book(at(11), at(12))
    with pytest.raises(ValidationError):
        services.meeting_reschedule(actor=organizer, meeting=other, attendees=[Invitee(attendee)])
    with pytest.raises(ValidationError):
        services.meeting_reschedule(actor=organizer, meeting=other, room=room)


# --- 10. One request creates a bounded number of rows --------------------------------------------


def test_a_series_is_refused_beyond_the_invitations_cap(organizer, department):
    from core import calendar
    from meetings import recurrence

    people = [UserFactory(department=department) for _ in range(40)]
    start = at(9, days=7)
    while not calendar.is_workday(start.date()):
        start += timedelta(days=1)
    body = {
        "title": "全员周会",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "attendees": [{"user": p.pk} for p in people],
        "recurrence": {"freq": "weekly", "count": recurrence.MAX_SERIES_INVITATIONS // 40 + 1},
    }
    for url in ("/api/v1/meetings/check/", "/api/v1/meetings/"):
        assert_error(as_(organizer).post(url, body, format="json"), 400)
    assert not Attendee.objects.exists()


# --- 11. A time without an offset is Beijing time ------------------------------------------------


def test_a_time_without_an_offset_is_read_as_beijing_time(organizer, settings):
    from meetings.models import Meeting

    assert settings.TIME_ZONE == "Asia/Shanghai"
    start = at(9, days=3)
    naive = start.replace(tzinfo=None)
    body = {"title": "无时区会", "start": naive.isoformat(), "end": (naive + timedelta(hours=1)).isoformat()}
    with timezone.override("UTC"):  # whatever zone is active, the API reads TIME_ZONE's
        created = as_(organizer).post("/api/v1/meetings/", body, format="json")
    assert created.status_code == 201, created.content
    assert Meeting.objects.get(pk=created.json()["id"]).start == start
