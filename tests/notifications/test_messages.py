"""Notifications store a message key and parameters; title and body are rendered in the reader's language."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import Department
from core.enums import Classification
from notifications import messages
from notifications.models import Notification, NotificationKind
from notifications.services import NotificationSpec, notification_create, notifications_create_many
from workload.models import WorkItemKind
from workload.services import workitem_open

pytestmark = pytest.mark.django_db


def about(department):
    return (ContentType.objects.get_for_model(Department).pk, department.pk)


def test_assigned_work_is_stored_as_key_and_plain_parameters(user, leader, department):
    workitem_open(assignee=user, kind=WorkItemKind.TASK, target=department, title="整理台账", assigned_by=leader)
    note = Notification.objects.get(recipient=user, kind=NotificationKind.ASSIGNED)
    assert note.message == "workitem.assigned"
    # The kind is kept untranslated (its msgid) and translated when shown.
    assert note.params == {"title": "整理台账", "kind": "Other task"}
    assert note.classification == Classification.INTERNAL


def test_one_row_renders_in_each_readers_language(user, catalogue):
    note = notification_create(
        recipient=user,
        kind=NotificationKind.ASSIGNED,
        message="workitem.assigned",
        params={"title": "整理台账", "kind": messages.msgid(WorkItemKind.TASK.label)},
    )
    assert note.render("zh-hans") == ("整理台账", "您有新的待办：其他事项")
    assert note.render("en") == ("整理台账", "New work for you: Other task")


def test_a_note_someone_wrote_is_appended_as_written(user, head, catalogue):
    note = notification_create(
        recipient=user,
        kind=NotificationKind.URGE,
        message="workitem.urged",
        params={"title": "整理台账", "name": "李处长", "note": "今天下班前"},
        actor=head,
    )
    assert note.render("en")[1] == "李处长 urges you to finish this. 今天下班前"


def test_the_centre_and_api_follow_the_profile_language(client_of, user, catalogue):
    notification_create(
        recipient=user, kind=NotificationKind.INFO, message="calendar.missing_year", params={"year": "2027"}
    )
    client = client_of(user)
    assert "Enter the holidays of 2027" not in client.get(reverse("notifications:list")).content.decode()
    assert client.get("/api/v1/notifications/").json()["results"][0]["title"] == "请录入 2027 年的节假日"

    user.language = "en"
    user.save(update_fields=["language"])
    assert "Enter the holidays of 2027" in client.get(reverse("notifications:list")).content.decode()
    assert client.get("/api/v1/notifications/").json()["results"][0]["title"] == "Enter the holidays of 2027"


def test_the_preferences_page_saves_the_language(client_of, user):
    client = client_of(user)
    response = client.post(
        reverse("notifications:preferences"),
        {"email_mode": "immediate", "digest_hour": "17", "language": "en"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    refused = client.post(
        reverse("notifications:preferences"),
        {"email_mode": "immediate", "digest_hour": "17", "language": "xx"},
    )
    assert refused.status_code == 200 and "language" in refused.context["preference_form"].errors


@pytest.mark.parametrize(
    ("message", "params"),
    [
        ("no.such.message", {}),
        ("workitem.assigned", {"title": "t"}),  # a parameter the template needs is missing
        ("reminder.overdue", {"title": "t", "days": object()}),  # not a plain value
    ],
)
def test_unknown_keys_and_bad_parameters_are_refused_when_created(user, message, params):
    with pytest.raises((ValueError, KeyError, TypeError)):
        notification_create(recipient=user, kind=NotificationKind.INFO, message=message, params=params)
    with pytest.raises((ValueError, KeyError, TypeError)):
        notifications_create_many([NotificationSpec(recipient=user, kind="info", message=message, params=params)])
    assert not Notification.objects.exists()


def test_finished_text_is_kept_as_written(user):
    note = notification_create(recipient=user, kind=NotificationKind.REMINDER, title="明天开会", body="九点，三楼")
    assert (note.message, note.params) == (messages.LEGACY, {"title": "明天开会", "body": "九点，三楼"})
    assert note.render("en") == ("明天开会", "九点，三楼")
