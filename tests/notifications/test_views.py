"""The notification centre: own notifications by day, filters, open / mark read / all read, refusals."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import resolve_url
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from tests.factories import NotificationFactory, UserFactory
from workload import targets

pytestmark = pytest.mark.django_db

CENTRE = reverse("notifications:list")
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def centre(client_of, user):
    """GET the centre as ``user``, in English (the msgids) so that assertions do not depend on translations."""
    client = client_of(user)

    def get(**params):
        return client.get(CENTRE, params, headers={"accept-language": "en"})

    return get


def row_ids(response):
    return [int(pk) for pk in re.findall(r'id="notification-(\d+)"', response.content.decode())]


def about(target):
    return {"target_type": ContentType.objects.get_for_model(target), "target_id": target.pk}


def created(notification, when):
    Notification.objects.filter(pk=notification.pk).update(created_at=when)
    return notification


def test_login_required(client):
    for url in (CENTRE, reverse("notifications:open", args=[1])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))


def test_centre_shows_only_own_notifications_newest_first(centre, user, head):
    older = NotificationFactory(recipient=user, title="较早")
    newer = NotificationFactory(recipient=user, title="较新")
    NotificationFactory(recipient=head, title="别人的通知")
    response = centre()
    assert row_ids(response) == [newer.pk, older.pk]
    assert "别人的通知" not in response.content.decode()


def test_unread_is_highlighted(centre, user):
    unread = NotificationFactory(recipient=user)
    read = NotificationFactory(recipient=user, read_at=NOON)
    body = centre().content.decode()
    assert f'class="list-group-item list-group-item-primary" id="notification-{unread.pk}"' in body
    assert f'class="list-group-item" id="notification-{read.pk}"' in body


@time_machine.travel(NOON, tick=False)
def test_centre_groups_by_day(centre, user):
    created(NotificationFactory(recipient=user, title="今天的"), NOON - timedelta(hours=1))
    created(NotificationFactory(recipient=user, title="昨天的"), NOON - timedelta(days=1))
    created(NotificationFactory(recipient=user, title="上周的"), NOON - timedelta(days=7))
    body = centre().content.decode()
    headings = re.findall(r'<h2 class="h6[^"]*">([^<]+)</h2>', body)
    assert [h.strip() for h in headings] == ["Today", "Yesterday", "March 3, 2026 Tuesday"]
    assert body.index("今天的") < body.index("Yesterday") < body.index("昨天的") < body.index("上周的")


def test_filter_unread_and_kind(centre, user):
    urge = NotificationFactory(recipient=user, kind=NotificationKind.URGE)
    info = NotificationFactory(recipient=user, kind=NotificationKind.INFO)
    read = NotificationFactory(recipient=user, kind=NotificationKind.INFO, read_at=NOON)
    assert row_ids(centre(show="unread")) == [info.pk, urge.pk]
    assert row_ids(centre(kind="urge")) == [urge.pk]
    assert row_ids(centre(show="unread", kind="info")) == [info.pk]
    assert row_ids(centre(show="all", kind="nonsense")) == [read.pk, info.pk, urge.pk]


def test_kind_filter_over_htmx_returns_only_the_list(client_of, user):
    note = NotificationFactory(recipient=user, kind=NotificationKind.URGE)
    response = client_of(user).get(CENTRE, {"kind": "urge"}, headers={"hx-request": "true"})
    assert response.content.decode().lstrip().startswith('<div id="notification-list">')
    assert row_ids(response) == [note.pk]


def test_empty_centre_explains_itself(centre):
    assert 'id="notifications-empty"' in centre().content.decode()


def test_centre_pages_by_25(centre, user):
    NotificationFactory.create_batch(30, recipient=user)
    assert len(row_ids(centre())) == 25
    assert len(row_ids(centre(page=2))) == 5
    assert "?show=all&amp;page=2" in centre().content.decode()


def test_open_marks_read_and_goes_to_the_target(client_of, user, department, monkeypatch):
    # Any URL that takes an id serves to stand in for a coordination app's detail page.
    monkeypatch.setitem(targets._url_names, "accounts.department", "accounts:person")
    note = NotificationFactory(recipient=user, **about(department))
    body = client_of(user).get(CENTRE).content.decode()
    assert f'action="{reverse("notifications:open", args=[note.pk])}"' in body

    response = client_of(user).post(reverse("notifications:open", args=[note.pk]))

    assert response.status_code == 302
    assert response.url == reverse("accounts:person", args=[department.pk])
    note.refresh_from_db()
    assert note.read_at is not None


def test_open_without_a_target_page_returns_to_the_list(client_of, user):
    note = NotificationFactory(recipient=user)
    response = client_of(user).post(reverse("notifications:open", args=[note.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url == CENTRE
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_read_redirects_back_without_htmx(client_of, user):
    note = NotificationFactory(recipient=user)
    back = f"{CENTRE}?show=unread&page=1"
    response = client_of(user).post(reverse("notifications:read", args=[note.pk]), {"next": back})
    assert response.status_code == 302
    assert response.url == back
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_read_over_htmx_returns_the_row_and_the_badge(client_of, user):
    note = NotificationFactory(recipient=user)
    NotificationFactory(recipient=user)
    response = client_of(user).post(
        reverse("notifications:read", args=[note.pk]), headers={"hx-request": "true", "accept-language": "en"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert row_ids(response) == [note.pk]
    assert "list-group-item-primary" not in body
    assert "Mark read" not in body
    assert '<span id="unread-badge" hx-swap-oob="innerHTML">1</span>' in body


def test_marking_the_last_unread_empties_the_badge(client_of, user):
    note = NotificationFactory(recipient=user)
    response = client_of(user).post(reverse("notifications:read", args=[note.pk]), headers={"hx-request": "true"})
    assert '<span id="unread-badge" hx-swap-oob="innerHTML"></span>' in response.content.decode()


def test_mark_all_read(client_of, user, head):
    NotificationFactory.create_batch(3, recipient=user)
    NotificationFactory(recipient=head)
    response = client_of(user).post(reverse("notifications:read_all"), headers={"accept-language": "en"}, follow=True)
    assert response.redirect_chain == [(CENTRE, 302)]
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=head, read_at__isnull=True).count() == 1
    assert "3 notifications marked read." in response.content.decode()


@pytest.mark.parametrize("name", ["open", "read"])
def test_another_persons_notification_is_404(client_of, user, head, name):
    note = NotificationFactory(recipient=head)
    response = client_of(user).post(reverse(f"notifications:{name}", args=[note.pk]))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.parametrize(
    "url",
    [
        reverse("notifications:open", args=[1]),
        reverse("notifications:read", args=[1]),
        reverse("notifications:read_all"),
    ],
)
def test_post_only_endpoints_refuse_get(client_of, user, url):
    NotificationFactory(recipient=user, pk=1)
    assert client_of(user).get(url).status_code == 405
    assert Notification.objects.get(pk=1).read_at is None


@pytest.mark.parametrize("size", [5, 50])
def test_query_count_does_not_grow_with_notifications(client_of, user, department, size, django_assert_num_queries):
    actors = UserFactory.create_batch(3)
    for i in range(size):
        NotificationFactory(recipient=user, actor=actors[i % 3], read_at=NOON if i % 2 else None, **about(department))
    client = client_of(user)
    client.get(CENTRE)  # warms the per-process content-type cache that links each row

    # 1 session, 2 user, 3 paginator count, 4 the page of notifications with their actors joined,
    # 5 the unread count (shared by the navigation badge, the Unread pill and "mark all read").
    with django_assert_num_queries(5):
        response = client.get(CENTRE)
    assert len(row_ids(response)) == min(size, 25)


def test_admin_lists_notifications_read_only(client_of, admin_user, user):
    note = NotificationFactory(recipient=user)
    client = client_of(admin_user)
    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 200
    assert client.get(reverse("admin:notifications_notification_change", args=[note.pk])).status_code == 200
    assert client.post(reverse("admin:notifications_notification_change", args=[note.pk]), {}).status_code == 403
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
