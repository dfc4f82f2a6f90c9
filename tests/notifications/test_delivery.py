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
