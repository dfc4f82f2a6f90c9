"""``seed_demo``: a believable bureau, demo logins that work, and a second run that changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Department, User
from core.models import AuditEvent
from notifications.models import Notification
from workload.models import WorkItem, WorkItemStatus
from workload.targets import target_ref

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list]:
    return {
        "departments": list(Department.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "work_items": list(WorkItem.objects.order_by("pk").values()),
        "notifications": list(Notification.objects.order_by("pk").values()),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    }


def test_builds_a_bureau_with_office_departments_leaders_and_staff():
    output = seed()

    office = Department.objects.get(is_office=True)
    assert (office.code, office.name, office.doc_prefix) == ("office", "办公室", "办发")
    prefixed = Department.objects.filter(is_office=False).exclude(doc_prefix="")
    assert prefixed.count() >= 4
    assert all(d.head is not None for d in Department.objects.all())

    leaders = User.objects.filter(is_leader=True)
    assert 2 <= leaders.count() <= 3
    assert {u.title for u in leaders} >= {"局长", "副局长"}

    zhang = User.objects.get(username="zhangwt")
    assert zhang.name == "张文涛"
    assert zhang.name_initials == "zwt"
    assert zhang.check_password("xietong-demo")
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("xietong-demo")

    # The logins table names each person with department and role.
    assert "zhangwt" in output
    assert "张文涛" in output
    assert "xietong-demo" in output
    assert "leader" in output


def test_gives_the_demo_desk_real_work_some_of_it_overdue():
    seed()
    zhang = User.objects.get(username="zhangwt")
    items = WorkItem.objects.filter(assignee=zhang)
    assert items.filter(status=WorkItemStatus.OPEN).count() >= 2
    assert items.filter(status=WorkItemStatus.OPEN, due_at__lt=timezone.now()).exists()
    assert items.filter(status=WorkItemStatus.DONE).exists()
    # Items point at real matters, reception arrangements and documents, each with a page to open.
    models = {i.target_type.model for i in WorkItem.objects.all()}
    assert {"matter", "arrangement", "commentrequest", "incomingdocument", "reading"} <= models
    for item in WorkItem.objects.all():
        assert target_ref(item.target_type_id, item.target_id)["url"]
    assert Notification.objects.filter(recipient=zhang, read_at__isnull=True).count() >= 2
    # The department head sees what they assigned (我交办的).
    assert WorkItem.objects.filter(assigned_by__username="limh").exists()


def test_second_run_creates_nothing_and_changes_nothing():
    seed()
    before = snapshot()

    output = seed()

    assert snapshot() == before
    assert "0 new row(s)" in output


def test_leaves_existing_people_alone():
    seed()
    zhang = User.objects.get(username="zhangwt")
    zhang.set_password("my-own-Secret-1")
    zhang.save()

    seed()

    assert User.objects.get(username="zhangwt").check_password("my-own-Secret-1")
    assert User.objects.filter(username="zhangwt").count() == 1


def test_demo_affairs_cover_every_matter_state_a_reception_and_a_plan():
    from affairs.models import Matter, MatterStatus, Reception, WorkPlan

    seed()
    assert set(Matter.objects.values_list("status", flat=True)) == set(MatterStatus.values)
    assert Matter.objects.filter(transfer_count__gt=0).exists()
    assert Matter.objects.filter(return_count__gt=0).exists()
    assert Matter.objects.filter(status=MatterStatus.IN_PROGRESS, due_at__lt=timezone.now()).exists()
    reception = Reception.objects.get()
    assert reception.arrangements.count() == 3
    plan = WorkPlan.objects.get()
    assert plan.items.filter(matter__isnull=False).count() == 1


def test_each_installed_app_contributes_through_its_demo_module():
    from accounts.management.commands.seed_demo import demo_modules

    names = [module.__name__ for module in demo_modules()]
    # INSTALLED_APPS order, lower layers first; accounts builds the bureau itself.
    assert names == [
        "workload.demo",
        "notifications.demo",
        "affairs.demo",
        "documents.demo",
        "meetings.demo",
        "relations.demo",
    ]
    seed()
    assert Notification.objects.filter(message="demo.welcome").count() == User.objects.count()
