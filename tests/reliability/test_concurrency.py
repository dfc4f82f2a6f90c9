"""Two scanners at once, and the same delivery task run twice at once: one notification, one e-mail.

Threads, each on its own PostgreSQL connection (closed when it ends). See ``conftest.py`` for how to
run the reliability tests.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications import delivery
from notifications.models import DeliveryStatus, EmailDelivery, Notification, NotificationKind
from notifications.services import notification_create
from notifications.tasks import deliver_email
from tests.factories import UserFactory, WorkItemFactory
from tests.reliability.support import run_together
from workload.reminders import scan_work_items

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ITEMS = 24


@pytest.fixture
def due_items(department):
    """ITEMS open work items of three people, each with its "before due" reminder due now."""
    now = timezone.now()
    people = [UserFactory(department=department) for _ in range(3)]
    return [
        WorkItemFactory(
            assignee=people[n % 3],
            due_at=now + timedelta(hours=3),
            next_reminder_at=now - timedelta(minutes=1),
        )
        for n in range(ITEMS)
    ]


def scanner(now, *, row_locks):
    def scan():
        if not row_locks:
            # The path of databases without SKIP LOCKED: both scanners read the same rows and only
            # the conditional update and the unique notification keys keep them apart.
            connection.features.has_select_for_update_skip_locked = False
        handled = 0
        while moved := scan_work_items(now=now, batch=5):
            handled += moved
        return handled

    return scan


@pytest.mark.parametrize("row_locks", [True, False], ids=["skip-locked", "conditional-update"])
def test_two_scanners_at_once_send_each_reminder_once(due_items, broker, row_locks):
    now = timezone.now()
    handled = run_together(scanner(now, row_locks=row_locks), scanner(now, row_locks=row_locks))

    assert sum(handled) == ITEMS  # every item moved on once, by one scanner or the other
    reminders = Notification.objects.filter(kind=NotificationKind.REMINDER)
    assert reminders.count() == ITEMS
    assert sorted(reminders.values_list("subject_id", flat=True)) == sorted(item.pk for item in due_items)
    assert EmailDelivery.objects.count() == ITEMS

    # Both scanners' nudges (and a re-dispatch) reach two workers at once: each e-mail goes out once.
    ids = list(EmailDelivery.objects.order_by("pk").values_list("pk", flat=True))
    outcomes = run_together(
        lambda: [delivery.send_one(pk) for pk in ids], lambda: [delivery.send_one(pk) for pk in reversed(ids)]
    )
    assert sorted(outcomes[0] + outcomes[1]) == ["sent"] * ITEMS + ["skipped"] * ITEMS
    assert len(mail.outbox) == ITEMS
    assert not EmailDelivery.objects.exclude(status=DeliveryStatus.SENT).exists()
    for item in due_items:
        assert sum(m.subject.endswith(f"：{item.title}") and m.to == [item.assignee.email] for m in mail.outbox) == 1


def test_the_same_delivery_task_run_twice_at_once_sends_one_email(user, broker, settings):
    settings.EMAIL_BACKEND = "tests.reliability.mailbox.SlowLocmemBackend"  # sending takes a moment
    notes = [
        notification_create(recipient=user, kind=NotificationKind.URGE, title=f"催办事项 {n}", body="请抓紧办理")
        for n in range(4)
    ]
    rows = list(EmailDelivery.objects.filter(notification__in=notes).order_by("pk"))
    assert len(rows) == 4

    for row in rows:
        # The task itself (Celery's apply), twice, released together: one claims, the other skips.
        outcomes = run_together(
            lambda pk=row.pk: deliver_email.apply(args=(pk,)).get(),
            lambda pk=row.pk: deliver_email.apply(args=(pk,)).get(),
        )
        assert sorted(outcomes) == ["sent", "skipped"]

    assert len(mail.outbox) == 4
    assert sorted(m.subject.rsplit("：", 1)[-1] for m in mail.outbox) == [f"催办事项 {n}" for n in range(4)]
    assert set(EmailDelivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
