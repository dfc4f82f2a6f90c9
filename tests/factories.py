"""factory_boy factories for the whole suite."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Department, User
from core.enums import Classification
from notifications.models import Notification, NotificationKind
from workload.models import WorkItem, WorkItemKind


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"第{n}处")
    code = factory.Sequence(lambda n: f"dept{n}")
    doc_prefix = ""
    order = factory.Sequence(lambda n: n)


class OfficeFactory(DepartmentFactory):
    name = "办公室"
    code = "office"
    doc_prefix = "办发"
    is_office = True


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(
        lambda n: SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)] + GIVEN[(n // 3) % len(GIVEN)]
    )
    department = factory.SubFactory(DepartmentFactory)
    clearance = Classification.INTERNAL
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("pass-Word-123")


class LeaderFactory(UserFactory):
    is_leader = True
    title = "副局长"


class AdminFactory(UserFactory):
    is_superuser = True
    is_staff = True


class WorkItemFactory(factory.django.DjangoModelFactory):
    """A ledger row pointing at a department (any model serves as a target in these tests)."""

    class Meta:
        model = WorkItem

    assignee = factory.SubFactory(UserFactory)
    department = factory.LazyAttribute(lambda o: o.assignee.department)
    kind = WorkItemKind.TASK
    target = factory.SubFactory(DepartmentFactory)
    title = factory.Sequence(lambda n: f"待办事项 {n}")
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    class Params:
        # Finished text, stored as the ``legacy`` message (as callers that pass title/body do).
        title = factory.Sequence(lambda n: f"通知 {n}")
        body = ""

    recipient = factory.SubFactory(UserFactory)
    kind = NotificationKind.INFO
    message = "legacy"
    params = factory.LazyAttribute(lambda o: {"title": o.title, "body": o.body})
