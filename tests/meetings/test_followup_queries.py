"""Query budgets of the follow-up: the meeting page and every new endpoint make the same number of
queries with few and with many attendees, agenda items, materials, decisions and positions."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.enums import Classification
from meetings import services_followup as writes
from meetings.models import AgendaItem, MeetingKind
from tests.api import as_
from tests.factories import DepartmentFactory, UserFactory
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db


def _fill(book, head, department, size, day):
    """A coordination meeting with ``size`` attendees, agenda items (each with a material, half
    accepted), decisions and positions, and published minutes."""
    people = [UserFactory(department=department) for _ in range(size)]
    meeting = book(at(9, days=day), at(10, days=day), attendees=people, actor=head, kind=MeetingKind.COORDINATION)
    for n in range(size):
        upload = SimpleUploadedFile(f"材料{n}.txt", "材料".encode(), content_type="text/plain")
        item = writes.agenda_item_propose(
            actor=people[n], meeting=meeting, title=f"议题{n}", presenter=people[n], duration_minutes=10, files=[upload]
        )
        if n % 2 == 0:
            writes.agenda_item_decide(actor=head, item=item, accept=True)
        writes.decision_record(
            actor=head,
            meeting=meeting,
            text=f"决定{n}",
            lead=people[n],
            due_on=timezone.localdate() + timedelta(days=9),
        )
        writes.position_record(actor=head, meeting=meeting, department=DepartmentFactory(), text=f"立场{n}")
    writes.minutes_save(actor=head, meeting=meeting, text="纪要", publish=True)
    writes.resolution_record(actor=head, meeting=meeting, text="协调结果")
    return meeting, people


def _count(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code < 400, getattr(response, "content", b"")[:500]
    return len(queries)


def _due():
    return (timezone.localdate() + timedelta(days=9)).isoformat()


# Each call: (client person: "head" or "attendee", the request). Fresh data per size.
CALLS = {
    "page-organizer": ("head", lambda c, m, p: c.get(f"/meetings/{m.pk}/")),
    "page-attendee": ("attendee", lambda c, m, p: c.get(f"/meetings/{m.pk}/")),
    "api-agenda": ("attendee", lambda c, m, p: c.get(f"/api/v1/meetings/{m.pk}/agenda-items/")),
    "api-minutes": ("attendee", lambda c, m, p: c.get(f"/api/v1/meetings/{m.pk}/minutes/")),
    "api-decisions": ("attendee", lambda c, m, p: c.get(f"/api/v1/meetings/{m.pk}/decisions/")),
    "api-positions": ("attendee", lambda c, m, p: c.get(f"/api/v1/meetings/{m.pk}/positions/")),
    "api-respond": (
        "attendee",
        lambda c, m, p: c.post(f"/api/v1/meetings/{m.pk}/respond/", {"response": "decline"}, format="json"),
    ),
    "api-propose": (
        "attendee",
        lambda c, m, p: c.post(
            f"/api/v1/meetings/{m.pk}/agenda-items/",
            {"title": "新议题", "presenter": p.pk, "duration_minutes": 5},
            format="json",
        ),
    ),
    "api-decide": (
        "head",
        lambda c, m, p: c.post(
            f"/api/v1/agenda-items/{AgendaItem.objects.filter(meeting=m, status='proposed').first().pk}/decide/",
            {"accept": True},
            format="json",
        ),
    ),
    "api-publish": ("head", lambda c, m, p: c.post(f"/api/v1/meetings/{m.pk}/agenda/publish/")),
    "api-minutes-put": (
        "head",
        lambda c, m, p: c.put(f"/api/v1/meetings/{m.pk}/minutes/", {"text": "新纪要", "publish": True}, format="json"),
    ),
    "api-decision-post": (
        "head",
        lambda c, m, p: c.post(
            f"/api/v1/meetings/{m.pk}/decisions/", {"text": "新决定", "lead": p.pk, "due_on": _due()}, format="json"
        ),
    ),
    "api-position-post": (
        "head",
        lambda c, m, p: c.post(
            f"/api/v1/meetings/{m.pk}/positions/", {"department": p.department_id, "text": "新立场"}, format="json"
        ),
    ),
    "api-resolution": (
        "head",
        lambda c, m, p: c.put(f"/api/v1/meetings/{m.pk}/resolution/", {"text": "新结果"}, format="json"),
    ),
}


@pytest.mark.parametrize("name", CALLS)
def test_queries_do_not_grow_with_the_data(name, book, head, department, client):
    head.clearance = Classification.INTERNAL
    counts = []
    who, call = CALLS[name]
    for day, size in ((1, 2), (2, 9)):
        meeting, people = _fill(book, head, department, size, day)
        person, other = (head if who == "head" else people[1]), people[1]
        if name.startswith("page"):
            client.force_login(person)
            session = client
        else:
            session = as_(person)
        if name in {"page-organizer", "page-attendee", "api-agenda", "api-minutes", "api-decisions", "api-positions"}:
            call(session, meeting, other)  # warm: the session, content types, the navigation's cache
        counts.append(_count(lambda s=session, m=meeting, o=other: call(s, m, o)))
    assert counts[0] == counts[1], counts
