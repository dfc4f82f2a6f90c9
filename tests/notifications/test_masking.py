"""Derived records follow their source: a notification whose target the reader may not see says only
that something exists — in the centre, the API, e-mail, the digest and the admin — asked once per page."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from accounts.models import Department
from core.enums import Classification
from notifications import delivery, visibility
from notifications.models import EmailDelivery, NotificationKind
from notifications.services import notification_create, preference_update
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
EN = {"accept-language": "en"}
SECRET_TITLE = "绝密的人事调整方案"


def ref(target):
    return (ContentType.objects.get_for_model(target).pk, target.pk)


@pytest.fixture
def secret_target(db):
    return DepartmentFactory(name="机要处", code="secret-dept")


def tell(person, target, title, classification=Classification.SECRET):
    return notification_create(
        recipient=person,
        kind=NotificationKind.ASSIGNED,
        message="workitem.urged",
        params={"title": title, "name": "李处长", "note": "涉及名单" if title == SECRET_TITLE else ""},
        target_ref=ref(target),
        classification=classification,
    )


@pytest.fixture
def two(user, department, secret_target, hidden_targets):
    """One notification the reader may see, one about a target hidden from them."""
    hidden_targets.add(ref(secret_target))
    shown = tell(user, department, "公开的会议安排", Classification.INTERNAL)
    masked = tell(user, secret_target, SECRET_TITLE)
    return shown, masked


def test_centre_shows_only_that_a_hidden_item_exists(client_of, user, two, catalogue):
    _shown, masked = two
    html = client_of(user).get(reverse("notifications:list")).content.decode()
    assert "公开的会议安排" in html
    assert SECRET_TITLE not in html and "涉及名单" not in html
    assert "您有一件秘密级待办" in html
    # No link to the hidden target: no "open" form for it.
    assert reverse("notifications:open", args=[masked.pk]) not in html


def test_opening_a_hidden_one_goes_back_to_the_centre(client_of, user, two):
    _shown, masked = two
    response = client_of(user).post(reverse("notifications:open", args=[masked.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")


def test_api_masks_title_body_and_target(user_api, two):
    shown, masked = two
    rows = {row["id"]: row for row in user_api.get("/api/v1/notifications/", headers=EN).json()["results"]}
    assert rows[shown.pk]["title"] == "公开的会议安排"
    assert rows[shown.pk]["target"]["id"] == shown.target_id
    assert rows[masked.pk]["title"] == "您有一件秘密级待办"  # the reader's language (profile: zh-hans)
    assert rows[masked.pk]["body"] == ""
    assert rows[masked.pk]["target"] is None
    read = user_api.post(f"/api/v1/notifications/{masked.pk}/read/").json()
    assert read["title"] == "您有一件秘密级待办" and read["target"] is None


def test_unread_badge_stays_a_count(client_of, user, two):
    html = client_of(user).get(reverse("notifications:list")).content.decode()
    assert 'id="unread-badge"' in html


def test_immediate_email_is_masked(user, secret_target, hidden_targets, catalogue):
    hidden_targets.add(ref(secret_target))
    note = tell(user, secret_target, SECRET_TITLE)
    assert delivery.send_one(EmailDelivery.objects.get(notification=note).pk) == "sent"
    message = mail.outbox[0]
    assert SECRET_TITLE not in message.subject + message.body + message.alternatives[0][0]
    assert "您有一件秘密级待办" in message.subject
    assert message.body.count("/notifications/") == 1  # the link goes to the centre, not the target


def test_digest_is_masked_with_one_visibility_question(user, department, secret_target, hidden_targets, monkeypatch):
    hidden_targets.add(ref(secret_target))
    preference_update(user=user, email_mode="digest", digest_hour=17)
    tell(user, department, "公开的会议安排", Classification.INTERNAL)
    tell(user, secret_target, SECRET_TITLE)
    asked = []
    checker = visibility._checker
    monkeypatch.setattr(visibility, "_checker", lambda u, refs: asked.append(refs) or checker(u, refs))
    assert delivery.send_digests(now=datetime(2026, 3, 2, 17, tzinfo=SH)) == 1
    assert len(asked) == 1 and len(asked[0]) == 2
    body = mail.outbox[0].body
    assert "公开的会议安排" in body and SECRET_TITLE not in body


def test_without_a_registered_rule_nothing_targeted_is_shown(user, secret_target, monkeypatch):
    monkeypatch.setattr(visibility, "_checker", None)
    tell(user, secret_target, SECRET_TITLE)
    general = notification_create(recipient=user, kind="info", title="系统维护通知")
    from notifications.presentation import present

    rows = present(list(user.notifications.order_by("pk")), reader=user)
    assert [n.masked for n in rows] == [True, False]
    assert rows[1].shown_title == general.params["title"]


def test_admin_who_may_not_see_the_target_sees_only_the_kind(
    client_of, admin_user, user, secret_target, hidden_targets
):
    hidden_targets.add((admin_user.pk, ref(secret_target)))
    note = tell(user, secret_target, SECRET_TITLE)
    client = client_of(admin_user)
    for url in (
        reverse("admin:notifications_notification_changelist"),
        reverse("admin:notifications_notification_change", args=[note.pk]),
        reverse("admin:notifications_emaildelivery_changelist"),
        reverse("admin:notifications_emaildelivery_change", args=[EmailDelivery.objects.get(notification=note).pk]),
    ):
        html = client.get(url, headers=EN).content.decode()
        assert SECRET_TITLE not in html and "涉及名单" not in html, url
    asked = []
    checker = visibility._checker
    with mock.patch.object(visibility, "_checker", lambda u, refs: asked.append(refs) or checker(u, refs)):
        changelist = client.get(reverse("admin:notifications_notification_changelist"), headers=EN).content.decode()
    assert "您有一件秘密级待办" in changelist  # in the administrator's own language
    assert len(asked) == 1  # one visibility question for the page
    # Searching by title is no oracle: the admin searches people, not what notifications say.
    found = client.get(reverse("admin:notifications_notification_changelist"), {"q": "人事调整"}, headers=EN)
    assert reverse("admin:notifications_notification_change", args=[note.pk]) not in found.content.decode()


def test_admin_who_may_see_the_target_reads_it(client_of, admin_user, user, secret_target, hidden_targets):
    hidden_targets.add((user.pk, ref(secret_target)))  # hidden from the recipient, not from this admin
    note = tell(user, secret_target, SECRET_TITLE)
    html = client_of(admin_user).get(reverse("admin:notifications_notification_change", args=[note.pk])).content
    assert SECRET_TITLE in html.decode()


@pytest.mark.parametrize("size", [5, 40])
def test_a_page_asks_visibility_once(client_of, user, department, monkeypatch, size, django_assert_num_queries):
    others = DepartmentFactory.create_batch(3)
    for i in range(size):
        tell(user, [department, *others][i % 4], f"事项{i}", Classification.INTERNAL)
    asked = []
    monkeypatch.setattr(visibility, "_checker", lambda u, refs: asked.append(refs) or set(refs))
    client = client_of(user)
    client.get(reverse("notifications:list"))  # warms the content-type cache
    asked.clear()
    # 1 session, 2 user, 3 count, 4 the page with actors, 5 unread count (the rule here asks no query).
    with django_assert_num_queries(5):
        client.get(reverse("notifications:list"))
    assert len(asked) == 1
    asked.clear()
    client.get("/api/v1/notifications/")
    assert len(asked) == 1


def test_department_target_model_is_a_plain_target(department):
    # The fixtures point notifications at departments; any model serves as a target here.
    assert ContentType.objects.get_for_model(Department).model == "department"
