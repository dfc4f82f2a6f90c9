"""The audit log records sign-ins (successful and failed), role and clearance changes, and downloads."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import user_update
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

ADDRESS = "10.1.2.3"
RIGHT = "pass-Word-123"


def page_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ADDRESS)


def test_a_sign_in_on_the_page_is_recorded(client, user):
    assert page_login(client, "staff", RIGHT).status_code == 302
    event = AuditEvent.objects.get(verb="auth.login")
    assert event.actor_id == user.pk
    assert event.target == user
    assert event.address == ADDRESS
    assert event.data == {"channel": "session"}


def test_a_failed_sign_in_is_recorded_with_the_typed_username(client, user):
    assert page_login(client, "staff", "wrong-password").status_code == 200
    event = AuditEvent.objects.get(verb="auth.login_failed")
    assert event.actor_id is None
    assert event.data == {"username": "staff"}
    assert event.address == ADDRESS
    assert not AuditEvent.objects.filter(verb="auth.login").exists()
    assert "wrong-password" not in str(event.data)


def test_a_failed_sign_in_with_an_unknown_username_is_recorded(client, db):
    page_login(client, "nobody", "whatever-1234")
    assert AuditEvent.objects.get(verb="auth.login_failed").data == {"username": "nobody"}


def test_attempts_while_locked_out_are_recorded_too(client, user):
    for _ in range(6):
        page_login(client, "staff", "wrong-password")
    assert page_login(client, "staff", RIGHT).status_code == 429
    assert AuditEvent.objects.filter(verb="auth.login_failed").count() == 7
    assert not AuditEvent.objects.filter(verb="auth.login").exists()


def test_an_api_sign_in_is_recorded(user):
    client = Client()
    assert client.post("/api/v1/auth/token/", {"username": "staff", "password": RIGHT}).status_code == 200
    assert AuditEvent.objects.get(verb="auth.login").data == {"channel": "token"}
    assert client.post("/api/v1/auth/token/", {"username": "staff", "password": "wrong"}).status_code == 400
    assert AuditEvent.objects.get(verb="auth.login_failed").data == {"username": "staff"}


def test_a_role_change_is_recorded(admin_user, user):
    user_update(actor=admin_user, user=user, roles=["leader"])
    event = AuditEvent.objects.for_target(user).get(verb="user.update")
    assert event.actor_id == admin_user.pk
    assert event.data["roles"] == ["leader"]


def test_a_clearance_change_is_recorded(admin_user, user):
    user_update(actor=admin_user, user=user, clearance="secret")
    event = AuditEvent.objects.for_target(user).get(verb="user.update")
    assert event.data == {"clearance": "secret"}


def test_a_role_change_in_the_admin_is_recorded(client_of, admin_user, user):
    """The admin site's user form goes through the same service."""
    client = client_of(admin_user)
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["clearance"] = "confidential"
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.clearance == "confidential"
    event = AuditEvent.objects.for_target(user).filter(verb="user.update").latest("id")
    assert event.actor_id == admin_user.pk
    assert event.data.get("clearance") == "confidential"


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_download_is_recorded(client_of, leader, attachment, via):
    from core.models import Attachment

    stored = Attachment.objects.get()
    path = (
        reverse("affairs:matter_attachment", args=[stored.pk])
        if via == "page"
        else f"/api/v1/matter-attachments/{stored.pk}/"
    )
    response = client_of(leader).get(path, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    event = AuditEvent.objects.get(verb="attachment.download")
    assert event.actor_id == leader.pk
    assert event.target == stored
    assert event.address == ADDRESS
    # Ids only: the file's name is shown only to those who may see its matter.
    assert "值班表" not in str(event.data)


def test_a_refused_download_is_not_recorded_as_one(client_of, outsider_of_matter, attachment):
    from core.models import Attachment

    stored = Attachment.objects.get()
    response = client_of(outsider_of_matter).get(reverse("affairs:matter_attachment", args=[stored.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(verb="attachment.download").exists()


@pytest.fixture
def outsider_of_matter(db):
    from tests.factories import UserFactory

    return UserFactory(username="outsider", name="赵外人")
