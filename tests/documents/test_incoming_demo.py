"""The demo incoming documents and packet (``documents.demo_incoming``): every state, idempotent."""

import pytest
from django.core.management import call_command

from accounts.models import Department, User
from documents import demo_incoming
from documents.models import IncomingDocument, IncomingStatus, ReadingPacket, ReadingStatus

pytestmark = pytest.mark.django_db


def test_demo_incoming_documents_and_packet():
    call_command("seed_demo", verbosity=0)  # documents.demo seeds the incoming stage too
    people = {u.username: u for u in User.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    assert demo_incoming.seed(people, departments) == 0, "a second seeding adds nothing"
    circulating = IncomingDocument.objects.get(title=demo_incoming.IN_CIRCULATION)
    assert circulating.status == IncomingStatus.INSTRUCTED and circulating.matter is not None
    assert sorted(circulating.readings.values_list("status", flat=True)) == [ReadingStatus.PENDING, ReadingStatus.READ]
    assert IncomingDocument.objects.get(title=demo_incoming.AWAITING).status == IncomingStatus.REGISTERED
    assert IncomingDocument.objects.get(title=demo_incoming.FOR_INFORMATION).status == IncomingStatus.ARCHIVED
    assert ReadingPacket.objects.get(title=demo_incoming.PACKET).entries.count() == 2
