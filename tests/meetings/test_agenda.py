"""Agenda items (议题, issue 9 item 6): departments propose with materials, the organizer reviews
(a work item) and accepts or declines, the accepted agenda is published; materials follow the
meeting's visibility."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.audit import AuditEvent
from meetings.models import AgendaItem, AgendaItemStatus
from notifications.models import Notification
from tests.api import as_, assert_error
from tests.factories import DepartmentFactory, UserFactory
from tests.meetings.conftest import at
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db


def material(name="方案.txt"):
    return SimpleUploadedFile(name, "档案数字化实施方案\n".encode(), content_type="text/plain")


def propose(person, meeting, **fields):
    body = {"title": "档案数字化进度", "presenter": person.pk, "duration_minutes": 15, **fields}
    return as_(person).post(f"/api/v1/meetings/{meeting.pk}/agenda-items/", body, format="multipart")


def decide(person, item, accept, reason=""):
    return as_(person).post(f"/api/v1/agenda-items/{item}/decide/", {"accept": accept, "reason": reason}, format="json")


def review_items(item_pk, status=None):
    rows = WorkItem.objects.filter(kind=WorkItemKind.AGENDA_REVIEW, target_id=item_pk)
    return rows.filter(status=status) if status else rows


def test_propose_with_materials_opens_a_review_item_for_the_organizer(book, organizer, attendee):
    meeting = book(at(9), at(10), attendees=[attendee])
    created = propose(attendee, meeting, files=[material()])
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "proposed" and data["department"]["id"] == attendee.department_id
    assert data["materials"][0]["name"] == "方案.txt"
    review = review_items(data["id"]).get()
    assert review.assignee == organizer and review.status == WorkItemStatus.OPEN
    assert AuditEvent.objects.filter(verb="agenda.propose", target_id=data["id"]).exists()
    # The ledger's link leads to the item on the meeting page.
    link = as_(organizer).get(f"/api/v1/work-items/{review.pk}/").json()
    assert link["target"]["url"] == f"/meetings/agenda-items/{data['id']}/"


def test_who_may_propose(book, attendee, office_member, department):
    meeting = book(at(9), at(10), attendees=[attendee])
    stranger = UserFactory(department=DepartmentFactory())  # sees the meeting; their department takes no part
    assert_error(propose(stranger, meeting), 403, "may_not_propose")
    colleague = UserFactory(department=department)  # a member of an invited person's department
    assert propose(colleague, meeting).status_code == 201
    assert propose(office_member, meeting).status_code == 201
    assert_error(propose(attendee, meeting, duration_minutes=0), 400)
    assert_error(propose(attendee, meeting, title=""), 400)


def test_decide_accept_decline_and_refusals(book, organizer, attendee):
    meeting = book(at(9), at(10), attendees=[attendee])
    first = propose(attendee, meeting).json()["id"]
    second = propose(attendee, meeting, title="办公用房调整").json()["id"]
    assert_error(decide(attendee, first, True), 403, "not_organizer")
    assert_error(decide(organizer, second, False), 400)  # a decline needs its reason
    accepted = decide(organizer, first, True)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted" and accepted.json()["order"] == 1
    assert review_items(first, WorkItemStatus.DONE).count() == 1
    assert_error(decide(organizer, first, False, "重复"), 409, "already_decided")
    declined = decide(organizer, second, False, "下次会议再议")
    assert declined.json()["decline_reason"] == "下次会议再议"
    assert Notification.objects.filter(recipient=attendee, message="agenda.declined").exists()
    assert AuditEvent.objects.filter(verb="agenda.decide").count() == 2


def test_publish_the_agenda(book, organizer, attendee, outsider, client_of):
    meeting = book(at(9), at(10), attendees=[attendee])
    url = f"/api/v1/meetings/{meeting.pk}/agenda/publish/"
    assert_error(as_(organizer).post(url), 409, "agenda_empty")
    first = propose(attendee, meeting).json()["id"]
    decide(organizer, first, True)
    assert_error(as_(attendee).post(url), 403)
    published = as_(organizer).post(url)
    assert published.status_code == 200 and published.json() == {"items": 1}
    assert Notification.objects.filter(recipient=attendee, message="agenda.published").exists()
    assert AgendaItem.objects.get(pk=first).published_at is not None
    # Everyone who sees the meeting sees the accepted agenda; a proposal only its department and the organizer.
    propose(attendee, meeting, title="未决议题")
    other = UserFactory(department=DepartmentFactory())
    seen = [i["title"] for i in as_(other).get(f"/api/v1/meetings/{meeting.pk}/agenda-items/").json()]
    assert seen == ["档案数字化进度"]
    assert len(as_(organizer).get(f"/api/v1/meetings/{meeting.pk}/agenda-items/").json()) == 2
    page = client_of(attendee).get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'id="agenda-item-{first}"' in page


def test_materials_follow_the_meeting(book, organizer, attendee, outsider, client_of):
    meeting = book(at(9), at(10), attendees=[attendee], private=True)
    item = propose(attendee, meeting, files=[material()]).json()
    file_id = item["materials"][0]["id"]
    assert client_of(organizer).get(f"/meetings/agenda-materials/{file_id}/").status_code == 200
    assert as_(attendee).get(f"/api/v1/agenda-materials/{file_id}/").status_code == 200
    assert client_of(outsider).get(f"/meetings/agenda-materials/{file_id}/").status_code == 404
    assert_error(as_(outsider).get(f"/api/v1/agenda-materials/{file_id}/"), 404)
    assert client_of(outsider).get(f"/meetings/agenda-items/{item['id']}/").status_code == 404
    assert_error(decide(outsider, item["id"], True), 404)
    assert_error(propose(outsider, meeting), 404)


def test_propose_and_decide_from_the_page(book, organizer, attendee, client_of):
    meeting = book(at(9), at(10), attendees=[attendee])
    page = client_of(attendee)
    form = {
        "agenda-title": "周报制度",
        "agenda-presenter": attendee.pk,
        "agenda-duration_minutes": 10,
        "agenda-files": [material()],
    }
    done = page.post(f"/meetings/{meeting.pk}/agenda/", form)
    assert done.status_code == 302, done.content.decode()[:500]
    item = AgendaItem.objects.get()
    refused = page.post(f"/meetings/agenda-items/{item.pk}/decide/", {"decide-decision": "accept"})
    assert refused.status_code == 403
    organizer_page = client_of(organizer)
    assert (
        organizer_page.post(f"/meetings/agenda-items/{item.pk}/decide/", {"decide-decision": "accept"}).status_code
        == 302
    )
    assert AgendaItem.objects.get().status == AgendaItemStatus.ACCEPTED
    assert organizer_page.post(f"/meetings/{meeting.pk}/agenda/publish/").status_code == 302
