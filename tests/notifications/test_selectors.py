"""Notification reads: only one's own, newest first, filters, and the one-query unread badge."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import NotificationKind
from notifications.selectors import notification_list, unread_count
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_list_is_own_newest_first(user, head):
    older = NotificationFactory(recipient=user)
    newer = NotificationFactory(recipient=user)
    NotificationFactory(recipient=head)
    assert list(notification_list(user=user)) == [newer, older]


def test_list_filters_unread_read_and_kind(user):
    unread = NotificationFactory(recipient=user, kind=NotificationKind.URGE)
    read = NotificationFactory(recipient=user, read_at=timezone.now() - timedelta(minutes=1))
    assert list(notification_list(user=user, unread=True)) == [unread]
    assert list(notification_list(user=user, unread=False)) == [read]
    assert list(notification_list(user=user, kind=NotificationKind.URGE)) == [unread]


def test_unread_count_is_one_query(user, head, django_assert_num_queries):
    NotificationFactory.create_batch(4, recipient=user)
    NotificationFactory(recipient=user, read_at=timezone.now())
    NotificationFactory(recipient=head)
    with django_assert_num_queries(1):  # COUNT on the partial index of unread rows
        assert unread_count(user=user) == 4
