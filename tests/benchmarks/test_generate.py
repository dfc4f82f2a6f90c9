"""``benchmarks/generate.py``: volume data with realistic shares, the same every run, and a clean reset."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import Department, User
from affairs.models import Matter, MatterAssistant, MatterEvent, MatterEventKind, MatterStatus
from benchmarks.generate import Command, generation_moment
from notifications.models import Notification
from tests.factories import UserFactory, WorkItemFactory
from workload.models import WorkItem, WorkItemKind, WorkItemStatus
from workload.reminders import due_work_items_query, scan_work_items

pytestmark = pytest.mark.django_db


def generate(*args: str) -> str:
    out = StringIO()
    call_command(Command(), "--size", "XS", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    """The generated ledger in terms that survive a reset (usernames and codes, not ids)."""
    return sorted(
        WorkItem.objects.values_list(
            "assignee__username", "department__code", "kind", "status", "priority", "urgency", "title"
        )
    )


def test_generates_the_requested_volume():
    generate("--users", "20", "--items", "400", "--notifications", "80", "--matters", "90", "--due", "25")

    assert User.objects.filter(username__startswith="gen").count() == 20
    assert WorkItem.objects.count() == 400
    assert Notification.objects.count() == 80
    assert Matter.objects.count() == 90
    assert MatterEvent.objects.count() >= 2 * 90  # assigned, and at least how it ended or went on
    assert WorkItem.objects.filter(due_work_items_query(generation_moment())).count() == 25
    departments = Department.objects.filter(code__startswith="gen-")
    assert departments.exists()
    assert all(d.head is not None for d in departments)
    # Everyone can log in with the one documented password (hashed once, shared).
    assert User.objects.get(username="gen00005").check_password("bench12345")
    assert User.objects.get(username="gen00005").name_initials


def test_spreads_items_over_statuses_kinds_and_due_dates():
    generate("--items", "2000")

    statuses = Counter(WorkItem.objects.values_list("status", flat=True))
    assert 0.6 < statuses[WorkItemStatus.DONE] / 2000 < 0.8
    assert 0.15 < statuses[WorkItemStatus.OPEN] / 2000 < 0.35
    assert statuses[WorkItemStatus.CANCELLED] > 0
    assert len(set(WorkItem.objects.values_list("kind", flat=True))) >= 8
    now = timezone.now()
    open_items = WorkItem.objects.filter(status=WorkItemStatus.OPEN)
    assert open_items.filter(due_at__lt=now).exists()
    assert open_items.filter(due_at__gt=now).exists()
    assert not open_items.exclude(completed_at=None).exists()
    assert not WorkItem.objects.exclude(status=WorkItemStatus.OPEN).filter(completed_at=None).exists()
    # The department is the assignee's, as the ledger's services record it.
    assert (
        not WorkItem.objects.exclude(assignee__department=None).exclude(department=F("assignee__department")).exists()
    )


def test_same_seed_same_data_and_reset_replaces_only_generated_rows():
    demo_person = UserFactory(username="realperson")
    WorkItemFactory(assignee=demo_person)
    generate()
    first = fingerprint()

    with pytest.raises(CommandError, match="--reset"):
        generate()
    generate("--reset")

    assert fingerprint() == first
    assert User.objects.filter(username="realperson").exists()
    assert WorkItem.objects.filter(assignee=demo_person).count() == 1


def test_another_seed_gives_other_data():
    generate()
    first = fingerprint()
    generate("--reset", "--seed", "7")
    assert fingerprint() != first


def test_matters_come_in_every_state_with_owners_timelines_and_matching_ledger_rows():
    generate("--matters", "400", "--items", "1500")
    now = generation_moment()

    statuses = Counter(Matter.objects.values_list("status", flat=True))
    assert set(statuses) == set(MatterStatus.values)
    assert statuses[MatterStatus.DONE] > statuses[MatterStatus.IN_PROGRESS]
    assert Matter.objects.filter(status=MatterStatus.IN_PROGRESS, due_at__lt=now).exists()  # some overdue
    assert Matter.objects.filter(status=MatterStatus.IN_PROGRESS, due_at__gt=now).exists()
    assert MatterAssistant.objects.exists()
    assert Matter.objects.filter(transfer_count__gt=0).exists()
    # Newest ids are the most recent matters (the list pages on ``-id``).
    created = list(Matter.objects.order_by("id").values_list("created_at", flat=True))
    assert created[0] < created[len(created) // 2] < created[-1] <= now
    # Every matter's timeline starts with its assignment; transfers and closings are recorded.
    kinds = Counter(MatterEvent.objects.values_list("kind", flat=True))
    assert kinds[MatterEventKind.CREATED] == 400
    assert kinds[MatterEventKind.TRANSFERRED] >= Matter.objects.filter(transfer_count__gt=0).count()
    assert kinds[MatterEventKind.CONFIRMED] == statuses[MatterStatus.DONE]
    assert kinds[MatterEventKind.PROGRESS] > 0

    # The ledger matches: each owner of a matter in progress has an open item, the assigner of a
    # matter awaiting confirmation has one, and no closed matter has an open item.
    open_items = WorkItem.objects.filter(status=WorkItemStatus.OPEN)
    for matter in Matter.objects.prefetch_related("assistants"):
        owed = set(open_items.filter(target_id=matter.pk, kind=WorkItemKind.MATTER).values_list("assignee", flat=True))
        confirming = set(
            open_items.filter(target_id=matter.pk, kind=WorkItemKind.MATTER_CONFIRMATION).values_list(
                "assignee", flat=True
            )
        )
        if matter.status == MatterStatus.IN_PROGRESS:
            assert owed == {matter.lead_id, *(a.user_id for a in matter.assistants.all())}
            assert not confirming
        elif matter.status == MatterStatus.AWAITING_CONFIRMATION:
            assert (owed, confirming) == (set(), {matter.assigner_id})
        else:
            assert not owed and not confirming
    assert (
        WorkItem.objects.filter(kind=WorkItemKind.MATTER, target_type__model="matter")
        .exclude(status=WorkItemStatus.OPEN)
        .exists()
    )  # part of the history


def test_exactly_the_chosen_items_are_due_for_the_scanner():
    generate("--due", "15")
    now = generation_moment()

    due = WorkItem.objects.filter(due_work_items_query(now))
    assert due.count() == 15
    assert not due.filter(due_at=None).exists()
    # Every other open item with a deadline is scheduled later; none is forgotten.
    others = WorkItem.objects.filter(status=WorkItemStatus.OPEN).exclude(pk__in=due.values("pk"))
    assert not others.exclude(due_at=None).filter(next_reminder_at=None).exists()
    assert not others.filter(next_reminder_at__lte=now).exists()
    assert scan_work_items(now=now, batch=1000) == 15


def test_reset_removes_generated_matters_events_and_due_items():
    generate()
    assert Matter.objects.exists() and MatterEvent.objects.exists()

    # No matters means no work items either: the other kinds' items stand on matters.
    generate("--reset", "--matters", "0", "--due", "0", "--items", "0")

    assert not Matter.objects.exists()
    assert not MatterEvent.objects.exists()
    assert not MatterAssistant.objects.exists()
    assert not WorkItem.objects.filter(due_work_items_query(generation_moment())).exists()
    assert not WorkItem.objects.exists()


def test_work_items_without_matters_to_stand_on_are_refused():
    with pytest.raises(CommandError, match="--matters"):
        generate("--matters", "0", "--items", "50")


def test_too_few_items_for_the_matters_is_refused():
    with pytest.raises(CommandError, match="--items"):
        generate("--matters", "400", "--items", "10")


def test_documents_come_in_every_state_with_their_workflow_rows():
    from documents.models import (
        Approval,
        ApprovalStatus,
        CommentRound,
        Distribution,
        Document,
        DocumentStatus,
        DocumentVersion,
        Opinion,
    )
    from documents.selectors import document_list

    generate("--documents", "200")

    documents = Document.objects.all()
    assert documents.count() == 200
    statuses = Counter(documents.values_list("status", flat=True))
    assert {DocumentStatus.ISSUED, DocumentStatus.DRAFT, DocumentStatus.AWAITING_APPROVAL} <= set(statuses)
    # Every document has its versions 1..version; issued ones a number, gap-free per prefix and year.
    for document in documents:
        numbers = list(DocumentVersion.objects.filter(document=document).values_list("number", flat=True))
        assert numbers == list(range(1, document.version + 1))
    issued = documents.filter(status__in=[DocumentStatus.ISSUED, DocumentStatus.ARCHIVED])
    assert not issued.filter(number="").exists()
    for prefix, year in set(issued.values_list("number_prefix", "number_year")):
        seqs = sorted(issued.filter(number_prefix=prefix, number_year=year).values_list("number_seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))
    assert Distribution.objects.filter(document__in=issued).count() == 2 * issued.count()
    # Awaiting approval: exactly one pending approval each, and its approver may see the document.
    for document in documents.filter(status=DocumentStatus.AWAITING_APPROVAL)[:20]:
        (pending,) = Approval.objects.filter(step__document=document, status=ApprovalStatus.PENDING)
        assert document_list(user=pending.approver).filter(pk=document.pk).exists()
    assert CommentRound.objects.exists() and Opinion.objects.exclude(handling="").exists()

    generate("--reset", "--documents", "10")
    assert Document.objects.count() == 10
