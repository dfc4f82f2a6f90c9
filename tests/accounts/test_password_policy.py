"""Passwords are at least 12 characters, by Django's validators, wherever a password is set."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.services import user_create
from core.errors import ValidationError

pytestmark = pytest.mark.django_db

ELEVEN = "Xq7-pLm2-Rt"
TWELVE = "Xq7-pLm2-Rt9"


def test_a_password_shorter_than_12_characters_is_refused(admin_user):
    with pytest.raises(ValidationError) as excinfo:
        user_create(actor=admin_user, username="short", password=ELEVEN, name="短密码")
    assert "12" in " ".join(excinfo.value.fields["password"])
    assert not User.objects.filter(username="short").exists()


def test_a_password_of_12_characters_is_accepted(admin_user):
    user = user_create(actor=admin_user, username="twelve", password=TWELVE, name="十二位")
    assert user.check_password(TWELVE)


def test_the_password_change_page_refuses_a_short_password(client_of, user):
    client = client_of(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pass-Word-123", "new_password1": ELEVEN, "new_password2": ELEVEN},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in str(response.context["form"].errors["new_password2"])
    user.refresh_from_db()
    assert user.check_password("pass-Word-123")


def test_the_demo_password_passes_the_validators():
    from django.contrib.auth.password_validation import validate_password

    from accounts.management.commands.seed_demo import DEMO_PASSWORD

    validate_password(DEMO_PASSWORD, User(username="zhangwt", name="张文涛", email="zhangwt@example.org"))
    assert len(DEMO_PASSWORD) >= 12
