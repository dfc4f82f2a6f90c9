"""POST /api/v1/work-items/{id}/urge/ (API.md): 200 and an urge notification; 429 within the hour."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from workload.models import Urge, WorkItemKind
from workload.services import workitem_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(user, leader, department):
    return workitem_open(assignee=user, kind=WorkItemKind.TASK, target=department, title="报送材料", assigned_by=leader)


def url(item):
    return f"/api/v1/work-items/{item.pk}/urge/"


def test_assigner_urges_then_is_limited(api_client, item, leader, user):
    api_client.force_authenticate(leader)
    response = api_client.post(url(item), {"message": "请今天报送"}, format="json")
    assert response.status_code == 200
    assert response.json()["message"] == "请今天报送"
    assert Notification.objects.filter(recipient=user, kind=NotificationKind.URGE).count() == 1
    again = api_client.post(url(item), {}, format="json")
    assert again.status_code == 429
    assert again.json()["code"] == "urged_recently"
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert api_client.post(url(item), {}, format="json").status_code == 200
    assert Urge.objects.filter(work_item=item).count() == 2


def test_refusals(api_client, item, user, outsider_user, office_member):
    api_client.force_authenticate(user)  # the assignee sees the item but may not urge it
    assert api_client.post(url(item), {}, format="json").status_code == 403
    api_client.force_authenticate(outsider_user)  # may not see it at all
    assert api_client.post(url(item), {}, format="json").status_code == 404
    api_client.force_authenticate(office_member)
    assert api_client.post(url(item), {"message": 5, "extra": 1}, format="json").status_code == 400
    assert api_client.post("/api/v1/work-items/999999/urge/", {}, format="json").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.post(url(item), {}, format="json").status_code == 401
    assert not Urge.objects.exists()


@pytest.fixture
def outsider_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="stranger")
