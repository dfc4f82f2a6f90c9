"""Notification services: create once per key, mark read only one's own, mark all read."""

import pytest
from django.contrib.contenttypes.models import ContentType

from core.errors import NotFound
from notifications.models import Notification, NotificationKind
from notifications.services import notification_create, notification_mark_read, notifications_mark_all_read
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_create_points_at_the_target_and_remembers_the_actor(user, head, department):
    note = notification_create(
        recipient=user, kind=NotificationKind.URGE, title="请尽快办理", body="已逾期", target=department, actor=head
    )
    assert note.recipient == user
    assert (note.target_type_id, note.target_id) == (ContentType.objects.get_for_model(department).pk, department.pk)
    assert note.actor == head
    assert note.read_at is None


def test_create_with_a_key_is_idempotent(user):
    first = notification_create(recipient=user, kind=NotificationKind.REMINDER, title="明天到期", key="wi:1:due-1")
    second = notification_create(recipient=user, kind=NotificationKind.REMINDER, title="明天到期", key="wi:1:due-1")
    assert first is not None
    assert second is None
    assert Notification.objects.filter(recipient=user).count() == 1


def test_create_without_a_key_repeats(user):
    notification_create(recipient=user, kind=NotificationKind.INFO, title="通知")
    notification_create(recipient=user, kind=NotificationKind.INFO, title="通知")
    assert Notification.objects.filter(recipient=user).count() == 2


def test_create_refuses_an_unknown_kind(user):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notification_create(recipient=user, kind="gossip", title="?")


def test_mark_read_sets_read_at_once(user):
    note = NotificationFactory(recipient=user)
    first = notification_mark_read(user=user, notification_id=note.pk).read_at
    assert first is not None
    assert notification_mark_read(user=user, notification_id=note.pk).read_at == first


def test_mark_read_of_another_persons_notification_is_not_found(user, head):
    note = NotificationFactory(recipient=head)
    with pytest.raises(NotFound):
        notification_mark_read(user=user, notification_id=note.pk)
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_counts_only_the_persons_unread(user, head):
    NotificationFactory.create_batch(3, recipient=user)
    already = NotificationFactory(recipient=user)
    notification_mark_read(user=user, notification_id=already.pk)
    NotificationFactory(recipient=head)

    assert notifications_mark_all_read(user=user) == 3
    assert notifications_mark_all_read(user=user) == 0
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=head, read_at__isnull=True).count() == 1
