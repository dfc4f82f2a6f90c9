"""A reminder created in a transaction that rolls back is never sent, even with a worker waiting.

See ``conftest.py`` for how to run the reliability tests (PostgreSQL + Redis).
"""

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import DeliveryStatus, EmailDelivery, Notification, NotificationKind
from notifications.services import notification_create
from tests.reliability.support import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DELIVER = "notifications.tasks.deliver_email"


def remind(person, title):
    return notification_create(recipient=person, kind=NotificationKind.REMINDER, title=title, body="请于今日内完成")


def test_reminder_of_a_rolled_back_transaction_is_never_sent(user, broker, embedded_worker, task_log):
    def failing_action():
        with transaction.atomic():
            remind(user, "回滚的提醒")
            # Inside the transaction the e-mail is recorded, waiting for the commit...
            assert EmailDelivery.objects.filter(notification__params__title="回滚的提醒").count() == 1
            raise RuntimeError("the user's action failed")

    with embedded_worker():
        with pytest.raises(RuntimeError, match="action failed"):
            failing_action()

        # ...which never comes. A committed reminder afterwards shows the worker is really there:
        # it takes tasks in order, so by the time this one is sent, anything before it was seen.
        kept = remind(user, "已提交的提醒")
        wait_until(lambda: task_log.finished[DELIVER] >= 1, what="the worker to run the committed reminder's task")
        wait_until(lambda: task_log.settled(DELIVER), what="every published delivery to be run")

    assert not Notification.objects.filter(params__title="回滚的提醒").exists()
    delivered = EmailDelivery.objects.get()
    assert delivered.notification_id == kept.pk
    assert delivered.status == DeliveryStatus.SENT
    # One task was ever published and run, for the committed reminder only; one e-mail left.
    assert task_log.published[DELIVER] == 1
    assert task_log.finished_args == [(DELIVER, (delivered.pk,))]
    assert len(mail.outbox) == 1
    assert "已提交的提醒" in mail.outbox[0].subject
    assert mail.outbox[0].to == [user.email]
