"""Notification API: own list with the unread filter, mark one read (404 for others'), mark all read."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Department
from notifications.models import Notification, NotificationKind
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"
READ_ALL = "/api/v1/notifications/read-all/"


def read_url(pk):
    return f"{URL}{pk}/read/"


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_anonymous_is_401(api_client):
    for response in (api_client.get(URL), api_client.post(READ_ALL), api_client.post(read_url(1))):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_shape_with_and_without_target(user_api, user, head, department):
    plain = NotificationFactory(recipient=user, title="欢迎", body="正文")
    about = NotificationFactory(
        recipient=user,
        kind=NotificationKind.URGE,
        actor=head,
        target_type=ContentType.objects.get_for_model(Department),
        target_id=department.pk,
    )

    rows = {row["id"]: row for row in user_api.get(URL).json()["results"]}

    assert rows[plain.pk] == {
        "id": plain.pk,
        "kind": "info",
        "title": "欢迎",
        "body": "正文",
        "target": None,
        "created_at": timezone.localtime(plain.created_at).isoformat(),
        "read_at": None,
        "actor": None,
    }
    assert rows[about.pk]["kind"] == "urge"
    assert rows[about.pk]["target"] == {"type": "department", "id": department.pk, "url": None}
    assert rows[about.pk]["actor"] == {"id": head.pk, "name": "李处长"}
    assert rows[about.pk]["created_at"].endswith("+08:00")


def test_only_own_newest_first(user_api, user, head):
    older = NotificationFactory(recipient=user)
    newer = NotificationFactory(recipient=user)
    NotificationFactory(recipient=head)
    assert ids(user_api.get(URL)) == [newer.pk, older.pk]


@pytest.mark.parametrize(("value", "expected"), [("1", "unread"), ("true", "unread"), ("0", "read"), ("", "all")])
def test_unread_filter(user_api, user, value, expected):
    unread = NotificationFactory(recipient=user)
    read = NotificationFactory(recipient=user, read_at=timezone.now())
    wanted = {"unread": {unread.pk}, "read": {read.pk}, "all": {unread.pk, read.pk}}[expected]
    assert set(ids(user_api.get(URL, {"unread": value}))) == wanted


@pytest.mark.parametrize(("params", "field"), [({"unread": "maybe"}, "unread"), ({"kind": "spam"}, "kind")])
def test_invalid_filters_are_400_with_fields(user_api, user, params, field):
    response = user_api.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_kind_filter(user_api, user):
    urge = NotificationFactory(recipient=user, kind=NotificationKind.URGE)
    NotificationFactory(recipient=user)
    assert ids(user_api.get(URL, {"kind": "urge"})) == [urge.pk]


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_does_not_grow(user_api, user, head, department, rows, django_assert_num_queries):
    content_type = ContentType.objects.get_for_model(Department)  # warm, as in a running server
    NotificationFactory.create_batch(
        rows, recipient=user, actor=head, target_type=content_type, target_id=department.pk
    )
    with django_assert_num_queries(1):  # 1: the page of notifications joined with who caused them
        response = user_api.get(URL)
    assert len(response.json()["results"]) == rows


def test_mark_one_read(user_api, user):
    notification = NotificationFactory(recipient=user)
    response = user_api.post(read_url(notification.pk))
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    notification.refresh_from_db()
    assert notification.read_at is not None
    # Twice is harmless and keeps the first time.
    again = user_api.post(read_url(notification.pk)).json()
    assert again["read_at"] == response.json()["read_at"]


def test_someone_elses_notification_is_404(user_api, user, head):
    theirs = NotificationFactory(recipient=head)
    response = user_api.post(read_url(theirs.pk))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("pk", ["abc", "0", "99999", "123456789012345678901234567890"])
def test_junk_id_is_404(user_api, user, pk):
    response = user_api.post(read_url(pk))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_read_needs_post(user_api, user):
    notification = NotificationFactory(recipient=user)
    response = user_api.get(read_url(notification.pk))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_mark_all_read_counts_only_own_unread(user_api, user, head):
    NotificationFactory.create_batch(3, recipient=user)
    NotificationFactory(recipient=user, read_at=timezone.now())
    NotificationFactory(recipient=head)

    assert user_api.post(READ_ALL).json() == {"marked": 3}
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=head, read_at__isnull=True).count() == 1
    assert user_api.post(READ_ALL).json() == {"marked": 0}


def test_mark_all_read_takes_no_body_and_ignores_junk(user_api, user):
    NotificationFactory(recipient=user)
    response = user_api.post(READ_ALL, data="{junk", content_type="application/json")
    assert response.json() == {"marked": 1}
