"""The worker is killed (``kill -9``) while sending a reminder: the reminder is still sent, once.

Real ``celery worker`` subprocesses on the test database; the first one hangs inside its first
send (``tests.reliability.mailbox.FileBackend``) and is killed there. The delivery row stays
claimed (``sending``); once the claim is older than ``NOTIFICATION_CLAIM_TIMEOUT_SECONDS`` the
scanner's ``dispatch_unsent`` hands it to the second worker. See ``conftest.py`` for how to run.
"""

import time
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.utils import timezone

from notifications.models import DeliveryStatus, EmailDelivery, NotificationKind
from notifications.services import notification_create
from notifications.tasks import deliver_email
from tests.factories import UserFactory
from tests.reliability.support import wait_until
from workload.tasks import scan_reminders

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CLAIM_TIMEOUT = 2  # seconds, given to the workers through the environment


def sent_mail(mail_dir):
    """(recipient, subject) of every e-mail the workers sent, in any order."""
    found = []
    for path in mail_dir.glob("*.eml"):
        message = message_from_bytes(path.read_bytes())
        found.append((message["To"], str(make_header(decode_header(message["Subject"])))))
    return found


def test_worker_killed_mid_send_still_delivers_once(user, worker_process, mail_dir, tmp_path):
    hang = tmp_path / "first-send-hangs"
    timeout_env = {"NOTIFICATION_CLAIM_TIMEOUT_SECONDS": str(CLAIM_TIMEOUT), "RELIABILITY_HANG_FIRST": str(hang)}
    first = worker_process("first", **timeout_env)

    note = notification_create(recipient=user, kind=NotificationKind.REMINDER, title="报送季度统计")
    row = EmailDelivery.objects.get(notification=note)
    wait_until(hang.exists, what="the first worker to start sending")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENDING, 1)

    first.kill_hard()
    assert sent_mail(mail_dir) == []

    second = worker_process("second", **timeout_env)
    # The claim of the dead worker must be older than the claim timeout before anyone retakes it.
    time.sleep(max(0.0, (row.claimed_at - timezone.now()).total_seconds() + CLAIM_TIMEOUT + 0.2))
    scan_reminders.delay()  # the beat task: scanner, then dispatch_unsent
    wait_until(
        lambda: EmailDelivery.objects.filter(pk=row.pk, status=DeliveryStatus.SENT).exists(),
        what=lambda: f"the second worker to send the e-mail; its log:\n{second.output()}",
    )
    row.refresh_from_db()
    assert row.attempts == 2

    # The dead worker's message comes back one day (acks_late) and the scanner runs again: nothing more
    # is sent. A later reminder, queued behind them on the solo worker, shows they have been handled.
    deliver_email.delay(row.pk)
    scan_reminders.delay()
    marker = notification_create(recipient=UserFactory(), kind=NotificationKind.REMINDER, title="后续提醒")
    wait_until(
        lambda: EmailDelivery.objects.filter(notification=marker, status=DeliveryStatus.SENT).exists(),
        what="the later reminder to be sent",
    )
    mail = sent_mail(mail_dir)
    assert sorted(to for to, _subject in mail) == sorted([user.email, marker.recipient.email])
    assert sum("报送季度统计" in subject for _to, subject in mail) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 2)
