"""Sign-in, sign-out and django-axes lock-out per username and address (never a whole office)."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OFFICE_NAT = "10.1.2.3"
HOME = "192.0.2.44"
RIGHT = "pass-Word-123"


def _login(client, username, password, address=OFFICE_NAT):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client, username, times, address=OFFICE_NAT):
    for _ in range(times):
        response = _login(client, username, "wrong-password", address)
        assert response.status_code in (200, 429)


def _signed_in(client):
    return client.session.get("_auth_user_id") is not None


def test_right_password_signs_in_and_lands_on_the_desk(client, user):
    response = _login(client, "staff", RIGHT)
    assert response.status_code == 302
    assert response["Location"] == reverse("workload:desk")
    assert _signed_in(client)


def test_wrong_password_shows_the_form_again_with_an_error(client, user):
    response = _login(client, "staff", "nope")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not _signed_in(client)


def test_five_failures_lock_that_username_from_that_address(client, user):
    _fail(client, "staff", 5)
    response = _login(client, "staff", RIGHT)
    assert response.status_code == 429
    assert 'id="locked-out"' in response.content.decode()
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert not _signed_in(client)


def test_four_failures_do_not_lock(client, user):
    _fail(client, "staff", 4)
    assert _login(client, "staff", RIGHT).status_code == 302


def test_the_lock_page_names_the_wait_in_english(client, user):
    _fail(client, "staff", 5)
    html = _login(client, "staff", RIGHT).content.decode()
    assert "15" in html  # minutes of cool-off (AXES_COOLOFF_TIME)


def test_the_same_user_from_another_address_is_not_locked(client, user):
    _fail(client, "staff", 5)
    response = _login(client, "staff", RIGHT, address=HOME)
    assert response.status_code == 302
    assert _signed_in(client)


def test_another_user_behind_the_same_address_is_not_locked(client, user):
    """One office shares one NAT address: one person's typos must not lock out the colleagues."""
    UserFactory(username="colleague", name="李同事", department=user.department)
    _fail(client, "staff", 5)
    response = _login(client, "colleague", RIGHT)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] != str(user.pk)


def test_a_successful_sign_in_resets_the_failures(client, user):
    _fail(client, "staff", 4)
    assert _login(client, "staff", RIGHT).status_code == 302
    client.post(reverse("accounts:logout"))
    _fail(client, "staff", 4)  # eight failures in all, but never five in a row
    assert _login(client, "staff", RIGHT).status_code == 302


def test_the_lock_expires_after_the_cool_off(client, user, time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    _fail(client, "staff", 5)
    assert _login(client, "staff", RIGHT).status_code == 429
    time_machine.move_to("2026-03-02 09:16 +0800", tick=False)
    assert _login(client, "staff", RIGHT).status_code == 302


def test_logout_is_post_only(client_of, user):
    client = client_of(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert _signed_in(client)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not _signed_in(client)


def test_login_redirects_to_next(client, user):
    response = client.post(
        reverse("login") + "?next=" + reverse("accounts:people"),
        {"username": "staff", "password": RIGHT, "next": reverse("accounts:people")},
    )
    assert response["Location"] == reverse("accounts:people")


def test_login_refuses_a_foreign_next(client, user):
    response = client.post(reverse("login"), {"username": "staff", "password": RIGHT, "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("workload:desk")
