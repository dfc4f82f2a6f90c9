"""API tokens that end (issue 7, item 4): hashed at rest, a fresh one per sign-in, expiring after
API_TOKEN_HOURS, revoked by logout, a password change and deactivation; anything else is a JSON 401."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts import services
from accounts.models import User
from core.models import AuditEvent
from tests.api import assert_error
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"
PASSWORD = "pass-Word-123"  # tests.factories.UserFactory's password


def _sign_in(username="staff"):
    response = APIClient().post(TOKEN, {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(token):
    return APIClient().get(ME, headers={"authorization": f"Token {token}"})


def _refused(response):
    body = assert_error(response, 401)
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Token"
    return body


def test_token_is_stored_only_as_a_digest(user):
    token = _sign_in()
    row = AuthToken.objects.get(user=user)
    assert row.digest == hashlib.sha512(token.encode()).hexdigest()
    assert token not in {row.digest, row.token_key}
    assert len(row.token_key) < len(token)  # a lookup prefix, not the token


def test_token_expires_after_api_token_hours(user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = _sign_in()
    assert AuthToken.objects.get(user=user).expiry == start + timedelta(hours=10)
    with time_machine.travel(start + timedelta(hours=9, minutes=59), tick=False):
        assert _me(token).status_code == 200
    with time_machine.travel(start + timedelta(hours=10, seconds=1), tick=False):
        _refused(_me(token))
    assert not AuthToken.objects.filter(user=user).exists()  # knox removes it when met expired


def test_api_token_hours_is_the_setting(user):
    with override_settings(REST_KNOX={"TOKEN_TTL": timedelta(hours=2), "AUTH_HEADER_PREFIX": "Token"}):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            token = _sign_in()
        with time_machine.travel(start + timedelta(hours=2, seconds=1), tick=False):
            _refused(_me(token))


def test_logout_ends_that_token_only(user):
    first, second = _sign_in(), _sign_in()
    response = APIClient().post(LOGOUT, headers={"authorization": f"Token {first}"})
    assert response.status_code == 200
    assert response.json()["detail"]
    _refused(_me(first))
    assert _me(second).status_code == 200
    assert AuditEvent.objects.filter(verb="auth.logout", actor_id=user.pk).exists()


def test_logout_without_credentials_is_401(user):
    _refused(APIClient().post(LOGOUT))


def test_logout_with_a_session_ends_the_session(client, user):
    client.force_login(user)
    assert client.post(LOGOUT).status_code == 200
    assert client.get(ME).status_code in (401, 403)


def test_password_change_revokes_every_token(user):
    tokens = [_sign_in(), _sign_in()]
    services.password_change(user=User.objects.get(pk=user.pk), new_password="another-Pass-456")
    for token in tokens:
        _refused(_me(token))
    assert not AuthToken.objects.filter(user=user).exists()


def test_password_change_page_revokes_tokens(client, user):
    token = _sign_in()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "another-Pass-456", "new_password2": "another-Pass-456"},
    )
    assert response.status_code == 302
    _refused(_me(token))


def test_deactivation_revokes_every_token(user, office):
    token = _sign_in()
    admin = AdminFactory(department=office)
    services.user_update(actor=admin, user=user, is_active=False)
    assert not AuthToken.objects.filter(user=user).exists()
    _refused(_me(token))


def test_other_changes_keep_the_tokens(user, office):
    token = _sign_in()
    services.user_update(actor=AdminFactory(department=office), user=user, title="副处长")
    assert _me(token).status_code == 200


def test_inactive_person_with_a_left_over_token_is_refused(user):
    token = _sign_in()
    User.objects.filter(pk=user.pk).update(is_active=False)  # bypassing the services
    _refused(_me(token))


@pytest.mark.parametrize(
    "header",
    [
        "Token " + "a" * 40,  # an old DRF authtoken key
        "Token " + "0" * 64,
        "Token " + "A" * 64,
        "Token abc\x00def",
        "Token ",
        "Token a b",
        "Token " + "é" * 64,
        "Token " + "f" * 5000,
    ],
)
def test_anything_but_a_live_token_is_a_json_401(user, header):
    _sign_in()
    _refused(APIClient().get(ME, HTTP_AUTHORIZATION=header.encode().decode("latin-1")))


def test_old_drf_token_is_refused(user):
    """A client still holding the clear-text key of the old ``authtoken`` table gets a JSON 401."""
    body = _refused(_me("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"))
    assert body["code"] == "authentication_failed"


@pytest.mark.parametrize("others", [0, 20])
def test_token_auth_and_logout_query_count_does_not_grow(user, others, django_assert_num_queries):
    """However many live tokens a person has (scripts sign in often), a call costs the same."""
    for _ in range(others):
        services.api_token_issue(user=user)
    token = _sign_in()
    client = APIClient(headers={"authorization": f"Token {token}"})
    # the token by its key with its person; the person's other tokens (knox drops expired ones);
    # the service's savepoint, the delete, the audit row, the release.
    with django_assert_num_queries(6):
        assert client.post(LOGOUT).status_code == 200


# --- Review: every path that changes a password or deactivates revokes; the token admin ---------------


def test_password_set_by_an_administrator_revokes_every_token(user, office):
    token = _sign_in()
    services.user_update(actor=AdminFactory(department=office), user=user, password="another-Pass-456")
    assert not AuthToken.objects.filter(user=user).exists()
    _refused(_me(token))


def test_password_disabled_by_an_administrator_revokes_every_token(user, office):
    token = _sign_in()
    services.user_update(actor=AdminFactory(department=office), user=user, password=None)
    _refused(_me(token))


def test_admin_password_form_revokes_tokens(client, user, office):
    token = _sign_in()
    client.force_login(AdminFactory(department=office))
    response = client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "another-Pass-456", "password2": "another-Pass-456", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    _refused(_me(token))


def test_admin_user_change_deactivation_revokes_tokens(client, user, office):
    token = _sign_in()
    client.force_login(AdminFactory(department=office))
    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {k: v for k, v in data.items() if v is not False}
    data.pop("is_active", None)  # unticked: deactivated
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert not User.objects.get(pk=user.pk).is_active
    _refused(_me(token))


def test_token_admin_shows_no_digest_and_issues_nothing(client, user, office):
    _sign_in()
    client.force_login(AdminFactory(department=office))
    stored = AuthToken.objects.get(user=user)
    listing = client.get("/admin/knox/authtoken/")
    if listing.status_code == 200:
        assert stored.digest not in listing.content.decode()
        assert stored.token_key not in listing.content.decode()
    else:
        assert listing.status_code == 404
    # Nobody types a token in for someone else (no audit, a way to act as them).
    assert client.get("/admin/knox/authtoken/add/").status_code in (403, 404)
    assert client.post("/admin/knox/authtoken/add/", {"user": user.pk, "expiry": ""}).status_code in (403, 404)
    assert AuthToken.objects.filter(user=user).count() == 1
