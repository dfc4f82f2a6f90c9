"""The notification lists' FilterSets (issue 7, item 15): the API (``?unread=&kind=``) and the
centre (``?show=&kind=``) share the kind filter; bad values are a 400 in the API and ignored on the
page (never a 500); the centre's query budget holds with filters."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from notifications.filters import NotificationCentreFilter, NotificationFilter
from notifications.models import Notification, NotificationKind
from tests.api import as_, assert_error
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

CENTRE = reverse("notifications:list")
URL = "/api/v1/notifications/"
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
BIG = "99999999999999999999999"
SURROGATE = "%ED%A0%80"  # a lone surrogate as a query string carries it (not valid UTF-8)


def row_ids(response):
    assert response.status_code == 200
    return sorted(int(pk) for pk in re.findall(r'id="notification-(\d+)"', response.content.decode()))


@pytest.fixture
def inbox(user, head):
    return {
        "info": NotificationFactory(recipient=user),
        "urge": NotificationFactory(recipient=user, kind=NotificationKind.URGE),
        "read_urge": NotificationFactory(recipient=user, kind=NotificationKind.URGE, read_at=NOON),
        "theirs": NotificationFactory(recipient=head, kind=NotificationKind.URGE),
    }


def pks(inbox, *names):
    return sorted(inbox[n].pk for n in names)


def test_page_and_api_share_the_kind_filter():
    assert NotificationCentreFilter.base_filters["kind"].extra["choices"] == NotificationKind.choices
    assert NotificationFilter.base_filters["kind"].extra["choices"] == NotificationKind.choices


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["info", "urge", "read_urge"]),
        ("show=unread", ["info", "urge"]),
        ("show=unread&kind=urge", ["urge"]),
        ("show=all&kind=urge", ["urge", "read_urge"]),
        ("kind=info", ["info"]),
        # Not offered: ignored (the tab "all", every kind), never a 500.
        (f"show={SURROGATE}&kind={SURROGATE}&page={SURROGATE}", ["info", "urge", "read_urge"]),
        (f"show={BIG}&kind={BIG}&page={BIG}", ["info", "urge", "read_urge"]),
        ("show=unread&kind=-1&page=-1", ["info", "urge"]),
        ("show=%00&kind=%00", ["info", "urge", "read_urge"]),
        ("show=UNREAD&kind=URGE", ["info", "urge", "read_urge"]),
        ("unread=1", ["info", "urge", "read_urge"]),  # the API's name, not the page's
    ],
)
def test_centre_shows_the_right_rows_and_never_500s(client_of, user, inbox, query, expected):
    response = client_of(user).get(f"{CENTRE}?{query}", headers={"accept-language": "en"})
    assert row_ids(response) == pks(inbox, *expected)


def test_centre_marks_the_chosen_tab_and_keeps_only_offered_values(client_of, user, inbox):
    response = client_of(user).get(f"{CENTRE}?show=unread&kind={SURROGATE}", headers={"accept-language": "en"})
    assert response.context["show"] == "unread"
    assert response.context["kind"] is None
    assert response.context["query"] == "show=unread"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"unread": "1"}, ["info", "urge"]),
        ({"unread": "0", "kind": "urge"}, ["read_urge"]),
        ({"kind": "urge"}, ["urge", "read_urge"]),
    ],
)
def test_api_filters(user, inbox, params, expected):
    response = as_(user).get(URL, params)
    assert response.status_code == 200
    assert sorted(row["id"] for row in response.json()["results"]) == pks(inbox, *expected)


@pytest.mark.parametrize(
    ("query", "field"),
    [(f"kind={SURROGATE}", "kind"), (f"unread={SURROGATE}", "unread"), (f"kind={BIG}", "kind"), ("unread=2", "unread")],
)
def test_api_bad_values_are_400_naming_the_field(user, inbox, query, field):
    response = as_(user).get(f"{URL}?{query}")
    assert_error(response, 400, "invalid")
    assert field in response.json()["fields"]


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize("query", ["show=unread&kind=urge", "show=all&kind=info&page=2", f"show={BIG}&kind={BIG}"])
def test_filtered_centre_query_count_does_not_grow(client_of, user, department, size, query, django_assert_num_queries):
    actors = UserFactory.create_batch(3)
    target = {"target_type": ContentType.objects.get_for_model(department), "target_id": department.pk}
    for i in range(size):
        kind = NotificationKind.URGE if i % 2 else NotificationKind.INFO
        NotificationFactory(recipient=user, actor=actors[i % 3], kind=kind, **target)
    client = client_of(user)
    client.get(CENTRE)  # warms the per-process content-type cache that links each row

    # 1 session, 2 user, 3 paginator count, 4 the page of notifications with their actors joined,
    # 5 the unread count (the navigation badge, the Unread pill and "mark all read").
    with django_assert_num_queries(5):
        response = client.get(f"{CENTRE}?{query}")
    assert response.status_code == 200
    assert Notification.objects.filter(recipient=user).count() == size
