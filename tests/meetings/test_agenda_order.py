"""The organizer (or the office) orders the accepted agenda: move an item to a place, on the page
(up/down) or through ``POST /api/v1/agenda-items/{id}/move/`` ``{"position"}``; audited; refusals
for others, for items not on the agenda and for places outside it."""

import pytest

from core.audit import AuditEvent
from meetings.models import AgendaItem, AgendaItemStatus
from meetings.services_followup import agenda_item_decide, agenda_item_propose, agenda_publish
from tests.api import as_, assert_error
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(book, attendee):
    return book(at(9), at(10), attendees=[attendee])


@pytest.fixture
def agenda(meeting, organizer, attendee):
    """Three accepted items (一, 二, 三 in that order) and a proposed one."""
    items = []
    for title in ("一", "二", "三", "待定"):
        item = agenda_item_propose(
            actor=attendee, meeting=meeting, title=title, presenter=attendee, duration_minutes=10
        )
        if title != "待定":
            agenda_item_decide(actor=organizer, item=item, accept=True)
        items.append(item)
    return items


def order(meeting):
    rows = AgendaItem.objects.filter(meeting=meeting, status=AgendaItemStatus.ACCEPTED).order_by("order", "id")
    return [(row.title, row.order) for row in rows]


def move(person, item, position):
    return as_(person).post(f"/api/v1/agenda-items/{item.pk}/move/", {"position": position}, format="json")


def test_the_api_moves_an_item_and_renumbers_the_agenda(meeting, agenda, organizer):
    answered = move(organizer, agenda[2], 1)
    assert answered.status_code == 200, answered.content
    assert answered.json()["order"] == 1
    assert order(meeting) == [("三", 1), ("一", 2), ("二", 3)]
    event = AuditEvent.objects.get(verb="agenda.move", target_id=agenda[2].pk)
    assert event.data["from"] == 3 and event.data["to"] == 1
    assert move(organizer, agenda[2], 3).status_code == 200
    assert order(meeting) == [("一", 1), ("二", 2), ("三", 3)]
    # The same place again: nothing changes, nothing audited.
    assert move(organizer, agenda[2], 3).status_code == 200
    assert AuditEvent.objects.filter(verb="agenda.move").count() == 2


def test_the_office_may_order_the_agenda(meeting, agenda, office_member):
    assert move(office_member, agenda[0], 2).status_code == 200
    assert order(meeting) == [("二", 1), ("一", 2), ("三", 3)]


def test_refusals(meeting, agenda, organizer, attendee, outsider):
    assert_error(move(attendee, agenda[0], 2), 403, "not_organizer")
    assert_error(move(outsider, agenda[0], 2), 403, "not_organizer")
    assert_error(move(organizer, agenda[0], 4), 400)
    assert_error(move(organizer, agenda[0], 0), 400)
    assert_error(move(organizer, agenda[3], 1), 409, "not_on_agenda")  # only proposed
    assert order(meeting) == [("一", 1), ("二", 2), ("三", 3)]


def test_the_page_moves_items_up_and_down(meeting, agenda, organizer, attendee, client_of):
    page = client_of(organizer)
    text = page.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'id="move-{agenda[0].pk}"' in text and f'id="move-{agenda[3].pk}"' not in text
    moved = page.post(f"/meetings/agenda-items/{agenda[0].pk}/move/", {"position": "2"})
    assert moved.status_code == 302 and moved["Location"].endswith(f"#agenda-item-{agenda[0].pk}")
    assert order(meeting) == [("二", 1), ("一", 2), ("三", 3)]
    refused = page.post(f"/meetings/agenda-items/{agenda[0].pk}/move/", {"position": "9"})
    assert refused.status_code == 400
    # Attendees see the order, without the buttons.
    theirs = client_of(attendee).get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="move-' not in theirs
    places = [theirs.index(f'id="agenda-item-{item.pk}"') for item in (agenda[1], agenda[0], agenda[2])]
    assert places == sorted(places)
    assert (
        client_of(attendee).post(f"/meetings/agenda-items/{agenda[0].pk}/move/", {"position": "1"}).status_code == 403
    )


def test_publishing_again_sends_the_new_order(meeting, agenda, organizer, attendee):
    agenda_publish(actor=organizer, meeting=meeting)
    assert move(organizer, agenda[2], 1).status_code == 200
    listed = as_(attendee).get(f"/api/v1/meetings/{meeting.pk}/agenda-items/").json()
    assert [row["title"] for row in listed][:3] == ["三", "一", "二"]


def test_an_item_of_a_meeting_one_may_not_see_is_a_404(book, organizer, attendee, outsider):
    private = book(at(11), at(12), attendees=[attendee], private=True)
    item = agenda_item_propose(actor=attendee, meeting=private, title="甲", presenter=attendee, duration_minutes=5)
    agenda_item_decide(actor=organizer, item=item, accept=True)
    assert move(outsider, item, 1).status_code == 404
