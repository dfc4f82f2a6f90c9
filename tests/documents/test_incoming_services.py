"""Incoming documents (收文), services: every transition and refusal, the matter, the ledger, the serials."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from affairs.models import Matter, MatterAssistant, MatterSource, MatterStatus
from affairs.services import matter_complete, matter_confirm
from core.errors import Conflict, PermissionDenied, ValidationError
from core.models import Attachment, AuditEvent
from documents.models import IncomingAccess, IncomingStatus, Reading, ReadingStatus, RegistryCounter
from documents.selectors import incoming_visible
from documents.services.incoming import (
    default_due_on,
    incoming_archive,
    incoming_circulate,
    incoming_close,
    incoming_instruct,
    incoming_propose,
    incoming_register,
    incoming_review,
    reading_mark_read,
)
from tests.documents.incoming_support import TODAY, bureau_fixture, monday_fixture, register  # noqa: F401
from workload.models import WorkItem, WorkItemKind, WorkItemStatus

pytestmark = pytest.mark.django_db


def items(target, **filters):
    return WorkItem.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk, **filters
    )


def verbs(target):
    return list(
        AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)
        .order_by("id")
        .values_list("verb", flat=True)
    )


def proposed(bureau, **changes):
    incoming = register(bureau, **changes)
    return incoming_propose(
        incoming=incoming, actor=bureau.clerk, proposal="请王局长阅示，拟由综合处牵头办理。", leader=bureau.leader
    )


def instructed(bureau, **changes):
    incoming = proposed(bureau, **changes)
    return incoming_instruct(
        incoming=incoming,
        actor=bureau.leader,
        instruction="请综合处牵头，财务处配合，月底前报结果。",
        lead_department=bureau.general,
        assisting_departments=[bureau.finance],
        due_on=date(2026, 3, 20),
    )


# --- 登记 -----------------------------------------------------------------------------------------


def test_register_numbers_and_deadline(bureau, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    incoming = register(bureau, files=[SimpleUploadedFile("scan.txt", b"scanned text")])
    assert incoming.serial == "收文〔2026〕1号"
    assert incoming.status == IncomingStatus.REGISTERED
    # 平件: 15 working days after receipt (Monday 2 March → Monday 23 March).
    assert incoming.due_on == date(2026, 3, 23)
    assert Attachment.objects.filter(owner_id=incoming.pk).count() == 1
    assert verbs(incoming) == ["document.incoming_register"]


def test_urgent_deadline_is_three_working_days(bureau):
    assert register(bureau, urgency="urgent").due_on == date(2026, 3, 5)
    assert default_due_on(received_on=date(2026, 3, 6), urgency="urgent") == date(2026, 3, 11)  # over a weekend


def test_normal_deadline_is_a_setting(bureau, settings):
    settings.INCOMING_DUE_WORKING_DAYS = {"normal": 10, "urgent": 3, "extra_urgent": 1}
    assert register(bureau).due_on == date(2026, 3, 16)


def test_given_deadline_is_kept(bureau):
    assert register(bureau, due_on=date(2026, 4, 1)).due_on == date(2026, 4, 1)


def test_serials_are_gap_free_even_after_a_refusal(bureau):
    first = register(bureau)
    with pytest.raises(ValidationError):
        register(bureau, classification="confidential")  # above the clerk's clearance
    with pytest.raises(ValidationError):
        register(bureau, received_on=date(2026, 3, 3))  # in the future
    second = register(bureau)
    assert [first.serial, second.serial] == ["收文〔2026〕1号", "收文〔2026〕2号"]
    assert RegistryCounter.objects.get(year=2026).last == 2


def test_only_the_office_registers(bureau):
    for person in (bureau.leader, bureau.general_head, bureau.staff):
        with pytest.raises(PermissionDenied):
            incoming_register(actor=person, title="函", sender_org="某局", received_on=TODAY)


def test_registrar_cannot_register_above_clearance(bureau):
    with pytest.raises(ValidationError) as refused:
        register(bureau, classification="confidential")
    assert "classification" in refused.value.fields


def test_register_checks_its_fields(bureau):
    with pytest.raises(ValidationError) as refused:
        register(bureau, title="  ")
    assert "title" in refused.value.fields
    with pytest.raises(ValidationError) as refused:
        register(bureau, due_on=date(2026, 2, 1))
    assert "due_on" in refused.value.fields


# --- 初审 -----------------------------------------------------------------------------------------


def test_review_passed_is_recorded_once(bureau):
    incoming = register(bureau)
    incoming = incoming_review(incoming=incoming, actor=bureau.clerk, passed=True, note="符合要求")
    assert incoming.review_passed is True and incoming.status == IncomingStatus.REGISTERED
    with pytest.raises(Conflict):
        incoming_review(incoming=incoming, actor=bureau.clerk, passed=True, note="")


def test_failed_review_returns_the_document(bureau):
    incoming = register(bureau)
    incoming = incoming_review(incoming=incoming, actor=bureau.clerk, passed=False, note="非本机关职权范围")
    assert incoming.status == IncomingStatus.CLOSED
    assert incoming.review_passed is False
    assert incoming.reply == "非本机关职权范围"
    with pytest.raises(Conflict):
        incoming_propose(incoming=incoming, actor=bureau.clerk, proposal="拟办", leader=bureau.leader)


def test_failed_review_needs_reasons_and_review_is_the_offices(bureau):
    incoming = register(bureau)
    with pytest.raises(ValidationError):
        incoming_review(incoming=incoming, actor=bureau.clerk, passed=False, note="")
    with pytest.raises(PermissionDenied):
        incoming_review(incoming=incoming, actor=bureau.leader, passed=True, note="")


# --- 拟办 -----------------------------------------------------------------------------------------


def test_propose_asks_the_leader(bureau):
    incoming = proposed(bureau)
    assert incoming.status == IncomingStatus.PROPOSED
    assert incoming.leader == bureau.leader
    assert incoming.review_passed is True  # proposing is the office's check (初审) when none was recorded
    item = items(incoming, kind=WorkItemKind.INCOMING).get()
    assert item.assignee == bureau.leader and item.status == WorkItemStatus.OPEN
    assert item.assigned_by == bureau.clerk
    assert incoming_visible(user=bureau.leader).filter(pk=incoming.pk).exists()
    assert verbs(incoming)[-2:] == ["document.incoming_review", "document.incoming_propose"]


def test_propose_refusals(bureau):
    incoming = register(bureau, classification="secret")
    with pytest.raises(PermissionDenied):
        incoming_propose(incoming=incoming, actor=bureau.general_head, proposal="拟办", leader=bureau.leader)
    with pytest.raises(ValidationError) as refused:
        incoming_propose(incoming=incoming, actor=bureau.clerk, proposal="拟办", leader=bureau.general_head)
    assert "leader" in refused.value.fields  # not a leader
    with pytest.raises(ValidationError) as refused:
        incoming_propose(incoming=incoming, actor=bureau.clerk, proposal="拟办", leader=bureau.low_leader)
    assert "leader" in refused.value.fields  # not cleared for secret
    incoming_propose(incoming=incoming, actor=bureau.clerk, proposal="拟办", leader=bureau.leader)
    with pytest.raises(Conflict):
        incoming_propose(incoming=incoming, actor=bureau.clerk, proposal="再拟办", leader=bureau.other_leader)


# --- 批办 -----------------------------------------------------------------------------------------


def test_instruct_creates_the_matter(bureau):
    incoming = instructed(bureau, urgency="urgent")
    assert incoming.status == IncomingStatus.INSTRUCTED
    matter = Matter.objects.get(pk=incoming.matter_id)
    assert matter.lead == bureau.general_head
    assert [a.user for a in MatterAssistant.objects.filter(matter=matter)] == [bureau.finance_head]
    assert matter.assigner == bureau.leader
    assert matter.source == MatterSource.INCOMING_DOCUMENT
    assert matter.source_object == incoming
    assert matter.urgency == "urgent" and matter.classification == incoming.classification
    assert matter.due_on == date(2026, 3, 20)
    assert incoming.lead_department == bureau.general
    # The leader's item is done; the heads each have the matter's item.
    assert items(incoming, kind=WorkItemKind.INCOMING).get().status == WorkItemStatus.DONE
    assert set(items(matter, status=WorkItemStatus.OPEN).values_list("assignee", flat=True)) == {
        bureau.general_head.pk,
        bureau.finance_head.pk,
    }
    # The heads may now open the incoming document.
    for head in (bureau.general_head, bureau.finance_head):
        assert incoming_visible(user=head).filter(pk=incoming.pk).exists()
    assert "document.incoming_instruct" in verbs(incoming)


def test_instruct_by_another_leader_is_refused(bureau):
    incoming = proposed(bureau)
    for person in (bureau.other_leader, bureau.clerk):
        with pytest.raises(PermissionDenied):
            incoming_instruct(
                incoming=incoming,
                actor=person,
                instruction="阅",
                lead_department=bureau.general,
                due_on=date(2026, 3, 20),
            )
    assert not Matter.objects.exists()


def test_instruct_twice_or_before_proposal_is_refused(bureau):
    with pytest.raises(Conflict):
        incoming_instruct(
            incoming=register(bureau),
            actor=bureau.leader,
            instruction="阅",
            lead_department=bureau.general,
            due_on=date(2026, 3, 20),
        )
    incoming = instructed(bureau)
    with pytest.raises(Conflict):
        incoming_instruct(
            incoming=incoming,
            actor=bureau.leader,
            instruction="再办",
            lead_department=bureau.finance,
            due_on=date(2026, 3, 20),
        )
    assert Matter.objects.count() == 1


def test_instruct_needs_a_cleared_head(bureau):
    bureau.finance_head.clearance = "internal"
    bureau.finance_head.save()
    incoming = proposed(bureau, classification="secret")
    with pytest.raises(ValidationError) as refused:
        incoming_instruct(
            incoming=incoming,
            actor=bureau.leader,
            instruction="办",
            lead_department=bureau.general,
            assisting_departments=[bureau.finance],
            due_on=date(2026, 3, 20),
        )
    assert "assisting_departments" in refused.value.fields
    bureau.general.head = None
    bureau.general.save()
    with pytest.raises(ValidationError) as refused:
        incoming_instruct(
            incoming=incoming,
            actor=bureau.leader,
            instruction="办",
            lead_department=bureau.general,
            due_on=date(2026, 3, 20),
        )
    assert "lead_department" in refused.value.fields
    assert status_now(incoming) == IncomingStatus.PROPOSED


def status_now(incoming):
    incoming.refresh_from_db()
    return incoming.status


# --- 传阅 and 圈阅 ---------------------------------------------------------------------------------


def test_circulate_and_mark_read(bureau):
    incoming = register(bureau)
    readings = incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[bureau.leader, bureau.other_leader])
    assert [r.reader for r in readings] == [bureau.leader, bureau.other_leader]
    assert IncomingAccess.objects.filter(incoming=incoming).count() == 2
    first = readings[0]
    item = items(first, kind=WorkItemKind.READING).get()
    assert item.assignee == bureau.leader and item.status == WorkItemStatus.OPEN
    # Someone still to read is not sent it twice.
    assert incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[bureau.leader]) == []
    read = reading_mark_read(reading=first, actor=bureau.leader, remark="已阅，请抓好落实。")
    assert read.status == ReadingStatus.READ and read.remark == "已阅，请抓好落实。"
    assert items(first, kind=WorkItemKind.READING).get().status == WorkItemStatus.DONE
    with pytest.raises(Conflict):
        reading_mark_read(reading=first, actor=bureau.leader, remark="again")
    with pytest.raises(PermissionDenied):
        reading_mark_read(reading=readings[1], actor=bureau.leader)


def test_circulate_to_an_uncleared_reader_is_refused(bureau):
    incoming = register(bureau, classification="secret")
    with pytest.raises(ValidationError) as refused:
        incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[bureau.leader, bureau.low_leader])
    assert "readers" in refused.value.fields
    assert not Reading.objects.exists()


def test_circulate_is_the_offices(bureau):
    incoming = register(bureau)
    with pytest.raises(PermissionDenied):
        incoming_circulate(incoming=incoming, actor=bureau.leader, readers=[bureau.other_leader])


# --- 办结 and 归档 ---------------------------------------------------------------------------------


def test_close_waits_for_the_matter_then_archive(bureau):
    incoming = instructed(bureau)
    with pytest.raises(Conflict):
        incoming_close(incoming=incoming, actor=bureau.clerk, reply="已办结")
    matter = Matter.objects.get(pk=incoming.matter_id)
    matter_complete(actor=bureau.general_head, matter=matter, report="自查完成，已报送")
    matter_confirm(actor=bureau.leader, matter=matter, accept=True)
    assert Matter.objects.get(pk=matter.pk).status == MatterStatus.DONE
    with pytest.raises(PermissionDenied):
        incoming_close(incoming=incoming, actor=bureau.leader, reply="")
    incoming = incoming_close(incoming=incoming, actor=bureau.clerk, reply="已函复市应急管理局")
    assert incoming.status == IncomingStatus.CLOSED and incoming.reply == "已函复市应急管理局"
    incoming = incoming_archive(incoming=incoming, actor=bureau.clerk)
    assert incoming.status == IncomingStatus.ARCHIVED
    with pytest.raises(Conflict):
        incoming_archive(incoming=incoming, actor=bureau.clerk)
    with pytest.raises(Conflict):
        incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[bureau.leader])
    assert verbs(incoming)[-2:] == ["document.incoming_close", "document.incoming_archive"]


def test_for_information_closes_without_instruction(bureau):
    """阅知件: registered, circulated, read, closed, archived."""
    incoming = register(bureau)
    (reading,) = incoming_circulate(incoming=incoming, actor=bureau.clerk, readers=[bureau.leader])
    incoming = incoming_close(incoming=incoming, actor=bureau.clerk)
    with pytest.raises(Conflict):  # a reader has not read it yet
        incoming_archive(incoming=incoming, actor=bureau.clerk)
    reading_mark_read(reading=reading, actor=bureau.leader)
    assert incoming_archive(incoming=incoming, actor=bureau.clerk).status == IncomingStatus.ARCHIVED


def test_archive_before_close_is_refused(bureau):
    with pytest.raises(Conflict):
        incoming_archive(incoming=register(bureau), actor=bureau.clerk)
    with pytest.raises(Conflict):
        incoming_close(incoming=proposed(bureau), actor=bureau.clerk)
