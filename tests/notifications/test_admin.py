"""Admin of notifications: reminder policies are edited; deliveries, urges and schedules are read."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from notifications.models import DeliveryStatus, EmailDelivery, EmailMode, NotificationPreference
from tests.factories import NotificationFactory, WorkItemFactory
from workload.models import ReminderPolicy, ScheduledReminder, Urge

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}

READ_ONLY = ["notification", "notificationpreference", "emaildelivery", "urge", "scheduledreminder"]
# The reminder engine's records belong to the ledger (workload) and are administered there.
LEDGER = {"urge", "scheduledreminder", "reminderpolicy"}


def admin_url(model: str, view: str, *args: int) -> str:
    app = "workload" if model in LEDGER else "notifications"
    return reverse(f"admin:{app}_{model}_{view}", args=args or None)


@pytest.fixture
def policies(db):
    """The default policies (a data migration makes them; a flushed test database may not have them)."""
    for urgency, hours in (("", 8), ("urgent", 4), ("extra_urgent", 2)):
        ReminderPolicy.objects.get_or_create(
            kind="",
            urgency=urgency,
            defaults={
                "remind_before_hours": hours,
                "escalate_to_head_after_days": 1,
                "escalate_to_office_after_days": 2,
            },
        )


@pytest.fixture
def records(user, head, department, policies):
    """One of each record, so that every list and change page has something to show."""
    item = WorkItemFactory(assignee=user, assigned_by=head)
    notification = NotificationFactory(
        recipient=user, subject_type=ContentType.objects.get_for_model(item), subject_id=item.pk, kind="urge"
    )
    NotificationPreference.objects.create(user=user, email_mode=EmailMode.DIGEST, digest_hour=8)
    EmailDelivery.objects.create(notification=notification, recipient=user, mode=EmailMode.DIGEST)
    Urge.objects.create(work_item=item, by=head, message="请尽快")
    ScheduledReminder.objects.create(
        recipient=user,
        target_type=ContentType.objects.get_for_model(department),
        target_id=department.pk,
        remind_at=timezone.now() + timedelta(days=1),
        title="明天开会",
        key="test:1",
    )


@pytest.fixture
def admin_client(client_of, admin_user):
    return client_of(admin_user)


@pytest.mark.parametrize("model", [*READ_ONLY, "reminderpolicy"])
def test_every_list_and_record_page_loads(admin_client, records, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    record = {
        "notification": lambda: NotificationFactory._meta.model.objects.first(),
        "notificationpreference": NotificationPreference.objects.first,
        "emaildelivery": EmailDelivery.objects.first,
        "urge": Urge.objects.first,
        "scheduledreminder": ScheduledReminder.objects.first,
        "reminderpolicy": ReminderPolicy.objects.first,
    }[model]()
    assert admin_client.get(admin_url(model, "change", record.pk)).status_code == 200


@pytest.mark.parametrize("model", READ_ONLY)
def test_system_records_cannot_be_added_or_changed(admin_client, records, model):
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    changelist = admin_client.get(admin_url(model, "changelist"))
    assert changelist.context["has_add_permission"] is False


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("emaildelivery", {"status__exact": DeliveryStatus.PENDING}),
        ("emaildelivery", {"mode__exact": EmailMode.DIGEST}),
        ("scheduledreminder", {"sent_at__isempty": "1"}),
        ("scheduledreminder", {"cancelled__exact": "0"}),
    ],
)
def test_filters(admin_client, records, model, query):
    response = admin_client.get(admin_url(model, "changelist"), query)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_policy_list_shows_every_column_and_the_rule(admin_client, policies):
    response = admin_client.get(reverse("admin:workload_reminderpolicy_changelist"), headers=EN)
    body = response.content.decode()
    assert "The most specific policy applies" in body
    # The default policies: any kind, any urgency and per urgency (and meeting replies', when the
    # database still has the rows of the data migrations).
    assert response.context["cl"].result_count == ReminderPolicy.objects.count() >= 3
    assert "Every kind" in body and "Extra urgent" in body
    for column in ("remind_before_hours", "escalate_to_head_after_days", "escalate_to_office_after_days"):
        assert f"column-{column}" in body


def test_administrator_adds_a_policy_for_a_kind(admin_client):
    response = admin_client.post(
        reverse("admin:workload_reminderpolicy_add"),
        {
            "kind": "approval",
            "urgency": "urgent",
            "remind_before_hours": 2,
            "remind_at_due": "on",
            "escalate_to_head_after_days": 1,
            "escalate_to_office_after_days": 1,
        },
    )
    assert response.status_code == 302
    policy = ReminderPolicy.objects.get(kind="approval", urgency="urgent")
    assert (policy.remind_before_hours, policy.remind_daily_overdue) == (2, False)


def test_office_cannot_come_before_the_head(admin_client):
    response = admin_client.post(
        reverse("admin:workload_reminderpolicy_add"),
        {
            "kind": "task",
            "urgency": "",
            "remind_before_hours": 8,
            "escalate_to_head_after_days": 3,
            "escalate_to_office_after_days": 1,
        },
    )
    assert response.status_code == 200
    assert not ReminderPolicy.objects.filter(kind="task").exists()


def test_a_second_policy_for_the_same_kind_and_urgency_is_refused(admin_client, policies):
    data = {
        "kind": "",
        "urgency": "",
        "remind_before_hours": 8,
        "escalate_to_head_after_days": 2,
        "escalate_to_office_after_days": 4,
    }
    response = admin_client.post(reverse("admin:workload_reminderpolicy_add"), data)
    assert response.status_code == 200
    assert ReminderPolicy.objects.filter(kind="", urgency="").count() == 1


def test_staff_without_permission_cannot_see_the_policies(client_of, user):
    user.is_staff = True
    user.save()
    assert client_of(user).get(reverse("admin:workload_reminderpolicy_changelist")).status_code == 403
