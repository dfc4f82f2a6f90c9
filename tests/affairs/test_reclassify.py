"""A matter's classification changes through ``matter_reclassify``; its work items follow at once."""

import pytest

from affairs.services import matter_complete, matter_reclassify
from core.errors import PermissionDenied, ValidationError
from core.models import AuditEvent
from workload.models import WorkItem, WorkItemStatus

pytestmark = pytest.mark.django_db


def _clear(*people, level="secret"):
    for person in people:
        person.clearance = level
        person.save()


def _items(matter):
    return WorkItem.objects.filter(target_id=matter.pk, target_type__model="matter")


def test_items_open_and_closed_follow_the_matter(matter, leader, user, assistant):
    matter_complete(actor=user, matter=matter, report="已完成")  # owner items closed, confirmation open
    assert {i.status for i in _items(matter)} == {WorkItemStatus.DONE, WorkItemStatus.OPEN}
    _clear(leader, user, assistant)

    matter_reclassify(actor=leader, matter=matter, classification="secret", reason="涉及敏感数据")

    matter.refresh_from_db()
    assert matter.classification == "secret"
    assert set(_items(matter).values_list("classification", flat=True)) == {"secret"}
    event = AuditEvent.objects.get(verb="matter.reclassify", target_id=matter.pk)
    assert event.data == {"from": "internal", "to": "secret", "reason": "涉及敏感数据", "work_items": 3}


def test_owners_must_be_cleared(matter, leader, user, assistant):
    _clear(leader, user)  # the assistant stays at 内部
    with pytest.raises(ValidationError, match="陈协办"):
        matter_reclassify(actor=leader, matter=matter, classification="secret", reason="升密")
    matter.refresh_from_db()
    assert matter.classification == "internal"
    assert set(_items(matter).values_list("classification", flat=True)) == {"internal"}


def test_not_above_ones_own_clearance(matter, leader, user, assistant):
    _clear(user, assistant)
    with pytest.raises(ValidationError):
        matter_reclassify(actor=leader, matter=matter, classification="secret", reason="升密")


def test_only_the_assigner_or_the_office(matter, user, head):
    _clear(user, head)
    with pytest.raises(PermissionDenied):
        matter_reclassify(actor=user, matter=matter, classification="public", reason="降密")


def test_lowering_by_the_office(matter, office_member):
    matter_reclassify(actor=office_member, matter=matter, classification="public", reason="已公开")
    assert set(_items(matter).values_list("classification", flat=True)) == {"public"}
