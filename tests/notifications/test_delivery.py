"""E-mail per preference: immediately, as a daily digest, or not at all; each e-mail once."""

import smtplib
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from core.errors import ValidationError
from notifications import delivery
from notifications.models import DeliveryStatus, EmailDelivery, EmailMode
from notifications.services import notification_create, preference_update
from notifications.tasks import deliver_email

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def notify(person, title="审核会议纪要"):
    return notification_create(recipient=person, kind="reminder", title=title, body="请于今日内完成")


def test_immediate_email_is_recorded_and_sent_once_after_commit(user, django_capture_on_commit_callbacks):
    with mock.patch.object(delivery, "enqueue") as enqueue, django_capture_on_commit_callbacks(execute=True):
        note = notify(user)
    row = EmailDelivery.objects.get(notification=note)
    enqueue.assert_called_once_with(row.pk)
    assert delivery.send_one(row.pk) == "sent"
    assert delivery.send_one(row.pk) == "skipped"  # the same task delivered twice
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "审核会议纪要" in message.subject
    assert "http://" in message.body


def test_no_email_without_an_address_or_when_declined(user, head):
    user.email = ""
    user.save()
    notify(user)
    preference_update(user=head, email_mode=EmailMode.NONE)
    notify(head)
    assert not EmailDelivery.objects.exists()


def test_rolled_back_notification_leaves_no_email(user, django_capture_on_commit_callbacks):
    from django.db import transaction

    def create_then_fail():
        with transaction.atomic():
            notify(user)
            raise RuntimeError("the action failed")

    with (
        mock.patch.object(delivery, "enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
    ):
        create_then_fail()
    enqueue.assert_not_called()
    assert not EmailDelivery.objects.exists()


def test_smtp_failure_returns_the_row_to_pending_for_the_retry(user):
    note = notify(user)
    row = EmailDelivery.objects.get(notification=note)
    failing = mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("down")
    )
    with failing, pytest.raises(smtplib.SMTPServerDisconnected):
        delivery.send_one(row.pk)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING and "down" in row.last_error
    assert deliver_email.autoretry_for == (smtplib.SMTPException, OSError)
    assert delivery.send_one(row.pk) == "sent"
    assert len(mail.outbox) == 1


def test_abandoned_claim_is_taken_again_after_the_timeout(user, settings):
    note = notify(user)
    row = EmailDelivery.objects.get(notification=note)
    assert delivery.claim(row.pk)  # a worker claimed it and died
    assert delivery.send_one(row.pk) == "skipped"
    settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 0
    assert delivery.send_one(row.pk) == "sent"


def test_dispatch_unsent_re_enqueues_lost_nudges(user):
    note = notify(user)
    row = EmailDelivery.objects.get(notification=note)
    later = row.created_at.replace(microsecond=0) + delivery.timedelta(minutes=2)
    with mock.patch.object(delivery, "enqueue", return_value=True) as enqueue:
        assert delivery.dispatch_unsent(now=later) == 1
    enqueue.assert_called_once_with(row.pk)


def test_digest_once_a_working_day_at_the_chosen_hour(user):
    preference_update(user=user, email_mode=EmailMode.DIGEST, digest_hour=17)
    notify(user, "甲")
    notify(user, "乙")
    assert delivery.send_digests(now=datetime(2026, 3, 2, 16, tzinfo=SH)) == 0  # not yet the hour
    assert delivery.send_digests(now=datetime(2026, 3, 7, 17, tzinfo=SH)) == 0  # Saturday
    assert delivery.send_digests(now=datetime(2026, 3, 2, 17, tzinfo=SH)) == 1
    assert delivery.send_digests(now=datetime(2026, 3, 2, 17, 30, tzinfo=SH)) == 0
    assert len(mail.outbox) == 1
    assert "甲" in mail.outbox[0].body and "乙" in mail.outbox[0].body
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_preference_needs_an_address_and_a_valid_hour(user):
    with pytest.raises(ValidationError):
        preference_update(user=user, email_mode=EmailMode.DIGEST, digest_hour=24)
    user.email = ""
    user.save()
    with pytest.raises(ValidationError):
        preference_update(user=user, email_mode=EmailMode.IMMEDIATE)


# --- Never stuck: failures for good, back-off with a cap, fair re-sending -------------------------


def test_a_title_with_a_line_break_is_failed_at_once_and_the_others_are_still_sent(user):
    # A legacy row from before titles were single-line: its subject header can never be built.
    broken = EmailDelivery.objects.get(notification=notify(user, title="会议纪要\r\nBcc: all@example.com"))
    good = EmailDelivery.objects.get(notification=notify(user, title="审核会议纪要"))

    assert delivery.send_one(broken.pk) == "failed"  # no exception: nothing to retry
    assert delivery.send_one(good.pk) == "sent"

    broken.refresh_from_db()
    assert broken.status == DeliveryStatus.FAILED
    assert broken.last_error.startswith("BadHeaderError")
    assert "all@example.com" not in broken.last_error  # the reason, not the header it quotes
    assert len(mail.outbox) == 1 and "审核会议纪要" in mail.outbox[0].subject
    later = broken.created_at + delivery.timedelta(hours=1)
    with mock.patch.object(delivery, "enqueue", return_value=True) as enqueue:
        assert delivery.dispatch_unsent(now=later) == 0  # a failed row is never re-queued
    enqueue.assert_not_called()


def test_the_task_does_not_retry_a_message_that_can_never_be_sent(user):
    row = EmailDelivery.objects.get(notification=notify(user, title="标题\n换行"))
    assert deliver_email.apply(args=(row.pk,)).get() == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 1)


def test_a_passing_error_backs_off_and_is_failed_after_the_cap(user, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    row = EmailDelivery.objects.get(notification=notify(user))
    down = mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPConnectError(421, "try later")
    )
    moments = []
    for attempt in (1, 2):
        with down, pytest.raises(smtplib.SMTPConnectError):
            delivery.send_one(row.pk)
        row.refresh_from_db()
        assert (row.status, row.attempts) == (DeliveryStatus.PENDING, attempt)
        moments.append(row.next_attempt_at - row.claimed_at)
    assert moments[1] > moments[0]  # backing off
    # Within the back-off the sweep leaves it alone; after it, the sweep takes it again.
    with mock.patch.object(delivery, "enqueue", return_value=True) as enqueue:
        assert delivery.dispatch_unsent(now=row.next_attempt_at - delivery.timedelta(seconds=1)) == 0
        assert delivery.dispatch_unsent(now=row.next_attempt_at) == 1
    enqueue.assert_called_once_with(row.pk)
    with down:
        assert delivery.send_one(row.pk) == "failed"  # the third attempt was the last
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and "try later" in row.last_error


def test_re_sending_takes_the_least_tried_oldest_rows_first(user):
    rows = [EmailDelivery.objects.get(notification=notify(user, title=f"通知{i}")) for i in range(4)]
    # The two oldest keep failing (many attempts); the two newer ones were never tried.
    EmailDelivery.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(attempts=5)
    later = rows[-1].created_at + delivery.timedelta(minutes=5)
    with mock.patch.object(delivery, "enqueue", return_value=True) as enqueue:
        assert delivery.dispatch_unsent(now=later, limit=2) == 2
    assert [c.args[0] for c in enqueue.call_args_list] == [rows[2].pk, rows[3].pk]


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (ValueError("bad header"), True),
        (smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no such user")}), True),
        (smtplib.SMTPDataError(554, b"rejected"), True),
        (smtplib.SMTPDataError(451, b"try again"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(), False),
    ],
)
def test_which_errors_are_for_good(error, permanent):
    assert delivery.is_permanent(error) is permanent
