"""Replies to a meeting invitation (issue 9, item 5): accept / decline / send a delegate, the work
items they open and close, the busy state, the organizer's view and notices, and every refusal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.audit import AuditEvent
from core.enums import Classification
from meetings.busy import busy_intervals
from meetings.models import Attendee, AttendeeResponse, Meeting
from meetings.services import meeting_cancel
from notifications.models import Notification
from tests.api import as_, assert_error
from tests.factories import DepartmentFactory, UserFactory
from tests.meetings.conftest import at
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(department):
    return UserFactory(username="colleague", name="冯同事", department=department)


def reply(person, meeting, response, delegate=None):
    body = {"response": response}
    if delegate is not None:
        body["delegate"] = delegate.pk
    return as_(person).post(f"/api/v1/meetings/{meeting.pk}/respond/", body, format="json")


def items(meeting, person, status=None):
    rows = WorkItem.objects.filter(target_id=meeting.pk, assignee=person, kind=WorkItemKind.MEETING)
    return rows.filter(status=status) if status else rows


def test_accept_closes_the_reply_item_and_is_audited(book, attendee):
    meeting = book(at(9), at(10), attendees=[attendee])
    assert items(meeting, attendee, WorkItemStatus.OPEN).count() == 1
    answered = reply(attendee, meeting, "accept")
    assert answered.status_code == 200, answered.content
    assert answered.json()["response"] == "accepted"
    row = Attendee.objects.get(meeting=meeting, user=attendee)
    assert row.busy and row.responded_at is not None
    assert items(meeting, attendee, WorkItemStatus.DONE).get().outcome == "accept"
    assert AuditEvent.objects.filter(verb="meeting.respond", target_id=meeting.pk).exists()


def test_decline_frees_the_person_and_tells_the_organizer(book, organizer, attendee):
    meeting = book(at(9), at(10), attendees=[attendee])
    assert reply(attendee, meeting, "decline").status_code == 200
    row = Attendee.objects.get(meeting=meeting, user=attendee)
    assert row.response == AttendeeResponse.DECLINED and not row.busy
    assert not busy_intervals(user_ids=[attendee.pk], start=at(8), end=at(11), viewer=organizer)
    told = Notification.objects.get(recipient=organizer, message="meeting.declined")
    assert told.params["name"] == attendee.display_name and told.target_id == meeting.pk
    # The organizer sees who comes: counts and the reply on the meeting page.
    page = as_(organizer).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert page["attendees"][0]["response"] == "declined"


def test_a_delegate_gets_an_item_sees_the_meeting_and_is_busy(book, client_of, organizer, attendee, colleague):
    meeting = book(at(9), at(10), attendees=[attendee], private=True)
    assert as_(colleague).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    answered = reply(attendee, meeting, "delegate", colleague)
    assert answered.status_code == 200, answered.content
    assert answered.json()["delegate"]["id"] == colleague.pk
    row = Attendee.objects.get(meeting=meeting, user=attendee)
    assert row.response == AttendeeResponse.DELEGATED and not row.busy
    assert items(meeting, colleague, WorkItemStatus.OPEN).count() == 1
    assert items(meeting, attendee, WorkItemStatus.DONE).count() == 1
    assert as_(colleague).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 200
    assert [
        i.user_id
        for i in busy_intervals(user_ids=[colleague.pk, attendee.pk], start=at(8), end=at(11), viewer=organizer)
    ] == [colleague.pk]
    assert Notification.objects.filter(recipient=organizer, message="meeting.delegated").exists()
    # The delegate acknowledges: their item closes.
    assert reply(colleague, meeting, "accept").status_code == 200
    assert items(meeting, colleague, WorkItemStatus.DONE).count() == 1
    page = client_of(organizer).get(f"/meetings/{meeting.pk}/")
    assert colleague.display_name in page.content.decode()


def test_changing_the_reply_withdraws_the_delegate(book, attendee, colleague):
    meeting = book(at(9), at(10), attendees=[attendee], private=True)
    reply(attendee, meeting, "delegate", colleague)
    assert reply(attendee, meeting, "accept").status_code == 200
    assert items(meeting, colleague, WorkItemStatus.CANCELLED).count() == 1
    row = Attendee.objects.get(meeting=meeting, user=attendee)
    assert row.response == AttendeeResponse.ACCEPTED and row.delegate is None and row.busy
    assert as_(colleague).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert Notification.objects.filter(recipient=colleague, message="workitem.withdrawn").exists()


def test_the_delegate_hands_the_invitation_back(book, attendee, colleague):
    meeting = book(at(9), at(10), attendees=[attendee])
    reply(attendee, meeting, "delegate", colleague)
    assert reply(colleague, meeting, "decline").status_code == 200
    row = Attendee.objects.get(meeting=meeting, user=attendee)
    assert row.response == AttendeeResponse.PENDING and row.delegate is None and row.busy
    assert items(meeting, attendee, WorkItemStatus.OPEN).count() == 1
    assert Notification.objects.filter(recipient=attendee, message="meeting.delegate_declined").exists()
    # No longer the delegate: like anyone not invited to a meeting they may see, refused.
    assert_error(reply(colleague, meeting, "accept"), 403, "not_invited")


def test_unsuitable_delegates_are_refused(book, attendee, colleague, department):
    meeting = book(at(9), at(10), attendees=[attendee, colleague], classification=Classification.INTERNAL)
    uncleared = UserFactory(department=department, clearance=Classification.PUBLIC)
    other_department = UserFactory(department=DepartmentFactory())
    gone = UserFactory(department=department, is_active=False)
    assert_error(reply(attendee, meeting, "delegate", uncleared), 400, "bad_delegate")
    assert_error(reply(attendee, meeting, "delegate", other_department), 400, "bad_delegate")
    assert_error(reply(attendee, meeting, "delegate", attendee), 400, "bad_delegate")
    assert_error(reply(attendee, meeting, "delegate", colleague), 400, "bad_delegate")  # already invited
    assert_error(reply(attendee, meeting, "delegate"), 400, "bad_delegate")
    assert_error(reply(attendee, meeting, "delegate", gone), 400)  # not an active person: the field refuses
    assert_error(reply(attendee, meeting, "maybe"), 400)
    assert Attendee.objects.get(meeting=meeting, user=attendee).response == AttendeeResponse.PENDING


def test_only_the_invited_reply(book, outsider, organizer):
    meeting = book(at(9), at(10), attendees=[])
    assert_error(reply(outsider, meeting, "accept"), 403, "not_invited")
    assert_error(reply(organizer, meeting, "accept"), 403, "not_invited")
    private = book(at(11), at(12), private=True)
    assert_error(reply(outsider, private, "accept"), 404)
    secret = book(at(13), at(14), classification=Classification.SECRET, actor=UserFactory(clearance="secret"))
    assert_error(reply(outsider, secret, "accept"), 404)


def test_replies_close_when_the_meeting_starts_or_is_cancelled(book, organizer, attendee):
    meeting = book(at(9), at(10), attendees=[attendee])
    Meeting.objects.filter(pk=meeting.pk).update(start=timezone.now() - timedelta(minutes=5))
    assert_error(reply(attendee, meeting, "decline"), 409, "meeting_started")
    other = book(at(11), at(12), attendees=[attendee])
    meeting_cancel(actor=organizer, meeting=other)
    assert_error(reply(attendee, other, "accept"), 409, "meeting_cancelled")


def test_reply_from_the_page(book, client_of, organizer, attendee, colleague):
    meeting = book(at(9), at(10), attendees=[attendee])
    page = client_of(attendee)
    shown = page.get(f"/meetings/{meeting.pk}/")
    assert 'id="respond-form"' in shown.content.decode()
    done = page.post(
        f"/meetings/{meeting.pk}/respond/", {"respond-response": "delegate", "respond-delegate": colleague.pk}
    )
    assert done.status_code == 302 and done["Location"].endswith("#attendance")
    assert Attendee.objects.get(meeting=meeting, user=attendee).delegate == colleague
    refused = page.post(f"/meetings/{meeting.pk}/respond/", {"respond-response": "delegate"})
    assert refused.status_code == 400 and 'id="refusal"' in refused.content.decode()
    assert (
        client_of(organizer).post(f"/meetings/{meeting.pk}/respond/", {"respond-response": "accept"}).status_code == 403
    )
    counts = client_of(organizer).get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="attendance-counts"' in counts


def test_removing_an_attendee_withdraws_their_delegate_too(book, organizer, attendee, colleague, outsider):
    from meetings.clashes import Invitee
    from meetings.services import meeting_reschedule

    meeting = book(at(9), at(10), attendees=[attendee, outsider])
    reply(attendee, meeting, "delegate", colleague)
    meeting_reschedule(actor=organizer, meeting=meeting, attendees=[Invitee(outsider, "required")])
    assert items(meeting, colleague, WorkItemStatus.OPEN).count() == 0


def test_cancelling_tells_the_delegate(book, organizer, attendee, colleague):
    meeting = book(at(9), at(10), attendees=[attendee])
    reply(attendee, meeting, "delegate", colleague)
    reply(colleague, meeting, "accept")  # acknowledged: no open item left to withdraw
    meeting_cancel(actor=organizer, meeting=meeting)
    assert Notification.objects.filter(recipient=colleague, message="meeting.cancelled").exists()
    assert not busy_intervals(user_ids=[colleague.pk], start=at(8), end=at(11), viewer=organizer)
