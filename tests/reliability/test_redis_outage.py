"""Redis stops while people work: their actions still succeed at once, and the e-mails and reminders
of that time go out once Redis is back (the delivery rows wait in PostgreSQL).

The test runs its own ``redis-server`` (broker and cache), stops it and starts it again on the same
port; the fixture stops it whatever happens. See ``conftest.py`` for how to run.
"""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import Max
from django.utils import timezone
from rest_framework.test import APIClient

from notifications import delivery
from notifications.models import DeliveryStatus, EmailDelivery, Notification, NotificationKind
from tests.factories import UserFactory
from tests.reliability.support import wait_until
from workload.models import WorkItem, WorkItemStatus
from workload.reminders import scan_work_items

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DELIVER = "notifications.tasks.deliver_email"


def create_matter(leader, lead, assistant, title):
    client = APIClient()
    client.force_authenticate(leader)
    body = {
        "title": title,
        "priority": "key",
        "lead": lead.pk,
        "assisting": [assistant.pk],
        "due_on": timezone.localdate().isoformat(),
    }
    started = time.monotonic()
    response = client.post("/api/v1/matters/", body, format="json")
    return response, time.monotonic() - started


@pytest.fixture
def cache_on_the_private_redis(settings, broker):
    """In production REDIS_URL is the broker and the cache: the outage takes both away."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": broker.url},
    }


def test_actions_succeed_while_redis_is_down_and_mail_follows_later(
    leader, user, department, broker, cache_on_the_private_redis, embedded_worker, task_log
):
    assistant = UserFactory(username="assistant", name="陈协办", department=department)

    # Redis up: the matter is created and its e-mails are queued (no worker is running yet).
    response, _seconds = create_matter(leader, user, assistant, "整理督办台账")
    assert response.status_code == 201, response.content
    assert EmailDelivery.objects.count() == 2  # the lead and the assistant are told

    broker.stop()  # queued messages are lost with it (no persistence), like in a crash

    response, seconds = create_matter(leader, user, assistant, "修订值班表")
    assert response.status_code == 201, response.content
    assert seconds < 1, f"the request took {seconds:.2f} s with Redis down"
    assert EmailDelivery.objects.count() == 4
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}

    # The scanner passes while Redis is down (a worker was in the middle of it): the reminders that
    # have fallen due are recorded, and their nudges fail fast instead of hanging the scan.
    items = WorkItem.objects.filter(status=WorkItemStatus.OPEN)
    assert items.count() == 4
    due_moment = items.aggregate(last=Max("next_reminder_at"))["last"] + timedelta(seconds=1)
    started = time.monotonic()
    assert scan_work_items(now=due_moment) == 4
    assert time.monotonic() - started < 2
    reminders = Notification.objects.exclude(kind=NotificationKind.ASSIGNED)
    assert reminders.count() == 4
    assert EmailDelivery.objects.count() == 8
    assert mail.outbox == []

    broker.start()  # same port: the running process's Celery finds it again
    task_log.reset()  # what was published before the outage died with that Redis
    with embedded_worker():
        # The next minute's beat run: dispatch_unsent re-sends what no worker was told about.
        next_minute = timezone.now() + timedelta(minutes=1)
        assert delivery.dispatch_unsent(now=next_minute) == 8
        wait_until(
            lambda: not EmailDelivery.objects.exclude(status=DeliveryStatus.SENT).exists(),
            what="every e-mail to be sent",
        )
        # Nudged twice would still be sent once: let the worker run every task published so far.
        assert delivery.dispatch_unsent(now=next_minute) == 0
        wait_until(lambda: task_log.settled(DELIVER), what="every published delivery to be run")

    assert len(mail.outbox) == 8
    expected = sorted(EmailDelivery.objects.values_list("recipient__email", flat=True))
    assert sorted(m.to[0] for m in mail.outbox) == expected
    assert sorted(expected) == sorted([user.email, assistant.email] * 4)
    # Each person: per matter, one "assigned" and one reminder e-mail; none twice.
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 8
    assert set(EmailDelivery.objects.values_list("attempts", flat=True)) == {1}
