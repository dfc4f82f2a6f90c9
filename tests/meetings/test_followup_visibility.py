"""Every path derived from a meeting's follow-up answers 404 to those who may not see the meeting:
an outsider of a private meeting and a person not cleared for its classification. Also the ledger's
items and notifications about it (one rule, every path: CONVENTIONS 15)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.enums import Classification
from meetings import services_followup as writes
from meetings.models import MeetingKind
from notifications.models import Notification
from tests.api import as_
from tests.factories import UserFactory
from tests.meetings.conftest import at
from workload import targets
from workload.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_meeting(book, department, head):
    """A private, secret coordination meeting with every kind of follow-up record."""
    head.clearance = Classification.SECRET
    head.save()
    attendee = UserFactory(department=department, clearance=Classification.SECRET)
    meeting = book(
        at(9),
        at(10),
        attendees=[attendee],
        actor=head,
        private=True,
        classification=Classification.SECRET,
        kind=MeetingKind.COORDINATION,
    )
    upload = SimpleUploadedFile("材料.txt", "机密材料".encode(), content_type="text/plain")
    item = writes.agenda_item_propose(
        actor=attendee, meeting=meeting, title="秘密议题", presenter=attendee, duration_minutes=10, files=[upload]
    )
    writes.agenda_item_decide(actor=head, item=item, accept=True)
    writes.minutes_save(actor=head, meeting=meeting, text="秘密纪要", publish=True)
    decision = writes.decision_record(
        actor=head, meeting=meeting, text="秘密决定", lead=attendee, due_on=timezone.localdate() + timedelta(days=7)
    )
    writes.position_record(actor=head, meeting=meeting, department=department, text="秘密立场")
    return meeting, item, decision, attendee


def _paths(meeting, item, decision, material_id, lead):
    m, i = meeting.pk, item.pk
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    return {
        "page respond": ("post", f"/meetings/{m}/respond/", {"respond-response": "accept"}),
        "page agenda": ("post", f"/meetings/{m}/agenda/", {"agenda-title": "x"}),
        "page publish": ("post", f"/meetings/{m}/agenda/publish/", {}),
        "page minutes": ("post", f"/meetings/{m}/minutes/", {"minutes-text": "x"}),
        "page issue": ("post", f"/meetings/{m}/minutes/issue/", {}),
        "page decision": ("post", f"/meetings/{m}/decisions/", {"decision-text": "x"}),
        "page position": ("post", f"/meetings/{m}/positions/", {"position-text": "x"}),
        "page resolution": ("post", f"/meetings/{m}/resolution/", {"resolution-text": "x"}),
        "page item": ("get", f"/meetings/agenda-items/{i}/", None),
        "page decide": ("post", f"/meetings/agenda-items/{i}/decide/", {"decide-decision": "accept"}),
        "page material": ("get", f"/meetings/agenda-materials/{material_id}/", None),
        "page decision link": ("get", f"/meetings/decisions/{decision.pk}/", None),
        "api respond": ("api-post", f"/api/v1/meetings/{m}/respond/", {"response": "accept"}),
        "api agenda list": ("api-get", f"/api/v1/meetings/{m}/agenda-items/", None),
        "api agenda post": ("api-post", f"/api/v1/meetings/{m}/agenda-items/", {"title": "x"}),
        "api publish": ("api-post", f"/api/v1/meetings/{m}/agenda/publish/", {}),
        "api decide": ("api-post", f"/api/v1/agenda-items/{i}/decide/", {"accept": True}),
        "api material": ("api-get", f"/api/v1/agenda-materials/{material_id}/", None),
        "api minutes": ("api-get", f"/api/v1/meetings/{m}/minutes/", None),
        "api minutes put": ("api-put", f"/api/v1/meetings/{m}/minutes/", {"text": "x"}),
        "api issue": ("api-post", f"/api/v1/meetings/{m}/minutes/issue/", {}),
        "api decisions": ("api-get", f"/api/v1/meetings/{m}/decisions/", None),
        "api decisions post": (
            "api-post",
            f"/api/v1/meetings/{m}/decisions/",
            {"text": "x", "lead": lead.pk, "due_on": due},
        ),
        "api positions": ("api-get", f"/api/v1/meetings/{m}/positions/", None),
        "api resolution": ("api-put", f"/api/v1/meetings/{m}/resolution/", {"text": "x"}),
    }


@pytest.mark.parametrize("who", ["outsider", "uncleared"])
def test_every_derived_path_is_a_404(who, secret_meeting, client_of, department):
    meeting, item, decision, attendee = secret_meeting
    if who == "outsider":  # cleared, but not invited to a private meeting
        person = UserFactory(department=department, clearance=Classification.CONFIDENTIAL)
    else:  # invited once, then their clearance was lowered: clearance binds everyone
        person = attendee
        person.clearance = Classification.INTERNAL
        person.save()
    material_id = item_material_id(item)
    for name, (method, url, body) in _paths(meeting, item, decision, material_id, attendee).items():
        if method.startswith("api-"):
            client = as_(person)
            response = getattr(client, method[4:])(url, body, format="json") if body is not None else client.get(url)
        else:
            client = client_of(person)
            response = client.post(url, body) if method == "post" else client.get(url)
        assert response.status_code == 404, (name, response.status_code)
        assert "秘密" not in response.content.decode(errors="ignore"), name
    # The ledger's rule agrees: the agenda item and the decision are not theirs to see.
    assert not targets.may_see(person, item)
    assert not targets.may_see(person, decision)


def item_material_id(item):
    from core.attachments import attachments_of

    return attachments_of(item).get().pk


def test_notifications_and_items_about_it_stay_with_its_people(secret_meeting):
    meeting, item, _decision, attendee = secret_meeting
    review = WorkItem.objects.get(kind="agenda_review", target_id=item.pk)
    assert review.assignee_id == meeting.organizer_id
    recipients = set(Notification.objects.filter(target_id=meeting.pk).values_list("recipient_id", flat=True))
    assert recipients <= {meeting.organizer_id, attendee.pk}
