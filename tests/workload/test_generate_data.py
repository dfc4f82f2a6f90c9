"""``generate_data``: volume data with realistic shares, the same every run, and a clean reset."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import Department, User
from notifications.models import Notification
from tests.factories import UserFactory, WorkItemFactory
from workload.models import WorkItem, WorkItemStatus

pytestmark = pytest.mark.django_db


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_data", "--size", "XS", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    """The generated ledger in terms that survive a reset (usernames and codes, not ids)."""
    return sorted(
        WorkItem.objects.values_list(
            "assignee__username", "department__code", "kind", "status", "priority", "urgency", "title"
        )
    )


def test_generates_the_requested_volume():
    generate("--users", "20", "--items", "400", "--notifications", "80")

    assert User.objects.filter(username__startswith="gen").count() == 20
    assert WorkItem.objects.count() == 400
    assert Notification.objects.count() == 80
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
