"""Minutes (纪要, issue 9 item 7): drafts and publication by the organizer or the office, what
readers see, and issuing the minutes as a 纪要 document through the documents app."""

import pytest

from core.audit import AuditEvent
from documents.models import DocType, Document, DocumentStatus
from meetings.models import Minutes
from notifications.models import Notification
from tests.api import as_, assert_error
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db


def put(person, meeting, text, publish=False):
    return as_(person).put(f"/api/v1/meetings/{meeting.pk}/minutes/", {"text": text, "publish": publish}, format="json")


def test_drafts_are_the_organizers_until_published(book, organizer, attendee, outsider):
    meeting = book(at(9), at(10), attendees=[attendee])
    assert_error(put(attendee, meeting, "越权"), 403, "not_organizer")
    saved = put(organizer, meeting, "一、会议听取了档案数字化进度汇报。")
    assert saved.status_code == 200 and saved.json()["published_at"] is None
    assert_error(as_(attendee).get(f"/api/v1/meetings/{meeting.pk}/minutes/"), 404)
    assert not Notification.objects.filter(message="minutes.published").exists()
    published = put(organizer, meeting, "一、会议听取了档案数字化进度汇报。", publish=True)
    assert published.status_code == 200 and published.json()["published_at"]
    assert Notification.objects.filter(recipient=attendee, message="minutes.published").exists()
    read = as_(outsider).get(f"/api/v1/meetings/{meeting.pk}/minutes/").json()
    assert read["published_text"] == "一、会议听取了档案数字化进度汇报。" and "text" not in read
    # Editing afterwards changes the working copy only, until it is published again.
    put(organizer, meeting, "一、修改稿。")
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.text == "一、修改稿。" and minutes.published_text == "一、会议听取了档案数字化进度汇报。"
    assert minutes.has_unpublished_changes
    assert AuditEvent.objects.filter(verb="minutes.publish", target_id=meeting.pk).count() == 1
    assert_error(put(organizer, meeting, "", publish=True), 400)


def test_the_office_writes_minutes_too(book, office_member, attendee):
    meeting = book(at(9), at(10), attendees=[attendee])
    assert put(office_member, meeting, "纪要正文", publish=True).status_code == 200


def test_issue_as_a_minutes_document(book, organizer, attendee, client_of):
    meeting = book(at(9), at(10), attendees=[attendee], title="办公用房调整协调会")
    url = f"/api/v1/meetings/{meeting.pk}/minutes/issue/"
    put(organizer, meeting, "草稿")
    assert_error(as_(organizer).post(url), 409, "minutes_unpublished")
    put(organizer, meeting, "一、同意调整方案。\n二、财务处落实经费。", publish=True)
    assert_error(as_(attendee).post(url), 403)
    issued = as_(organizer).post(url)
    assert issued.status_code == 201, issued.content
    document = Document.objects.get(pk=issued.json()["document"])
    assert document.doc_type == DocType.MINUTES and document.status == DocumentStatus.DRAFT
    assert document.drafter == organizer and document.classification == meeting.classification
    assert "办公用房调整协调会" in document.title and "财务处落实经费" in document.body
    assert Minutes.objects.get(meeting=meeting).document == document
    assert_error(as_(organizer).post(url), 409, "already_issued")
    page = client_of(organizer).get(f"/meetings/{meeting.pk}/").content.decode()
    assert document.get_absolute_url() in page
    # The draft then follows the documents' own path: the drafter opens it like any draft.
    assert client_of(organizer).get(document.get_absolute_url()).status_code == 200


def test_minutes_from_the_page(book, organizer, attendee, client_of):
    meeting = book(at(9), at(10), attendees=[attendee])
    page = client_of(organizer)
    assert page.post(f"/meetings/{meeting.pk}/minutes/", {"minutes-text": "草稿"}).status_code == 302
    assert Minutes.objects.get().published_at is None
    assert page.post(f"/meetings/{meeting.pk}/minutes/", {"minutes-text": "定稿", "publish": "1"}).status_code == 302
    assert Minutes.objects.get().published_text == "定稿"
    shown = client_of(attendee).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "定稿" in shown and 'id="minutes-form"' not in shown
    assert client_of(attendee).post(f"/meetings/{meeting.pk}/minutes/", {"minutes-text": "x"}).status_code == 403
    assert client_of(organizer).post(f"/meetings/{meeting.pk}/minutes/issue/").status_code == 302
    assert Minutes.objects.get().document is not None
