"""Security headers on pages, API responses and attachment downloads: CSP (django-csp), HSTS over
HTTPS with the production settings, nosniff, frame denial and the referrer policy."""

import pytest
from django.urls import reverse

from tests.test_csp import assert_strict

pytestmark = pytest.mark.django_db


def assert_security_headers(response, *, secure: bool = False) -> None:
    path = response.wsgi_request.path
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["X-Frame-Options"] == "DENY", path
    assert response["Referrer-Policy"] == "same-origin", path
    assert_strict(response)  # the Content-Security-Policy, frame-ancestors 'none' included
    if secure:
        hsts = response["Strict-Transport-Security"]
        assert "max-age=31536000" in hsts, path
        assert "includeSubDomains" in hsts, path
    else:
        # HSTS is only ever sent over HTTPS (a browser ignores it over plain HTTP).
        assert "Strict-Transport-Security" not in response, path


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
def test_pages_carry_the_headers(client_of, user, secure):
    client = client_of(user)
    for name in ("workload:desk", "accounts:people", "accounts:password_change"):
        response = client.get(reverse(name), secure=secure)
        assert response.status_code == 200
        assert_security_headers(response, secure=secure)


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
def test_the_login_page_and_a_404_carry_the_headers(client, secure):
    assert_security_headers(client.get(reverse("login"), secure=secure), secure=secure)
    assert_security_headers(client.get("/no-such-page/", secure=secure), secure=secure)


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
def test_api_responses_carry_the_headers(client_of, client, user, secure):
    # Refusals too: an anonymous call's 401.
    assert_security_headers(client.get("/api/v1/me/", secure=secure), secure=secure)
    signed_in = client_of(user)
    response = signed_in.get("/api/v1/me/", secure=secure)
    assert response.status_code == 200
    assert_security_headers(response, secure=secure)


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
def test_attachment_downloads_carry_the_headers(client_of, user, attachment, secure):
    client = client_of(user)
    for path in (
        reverse("affairs:matter_attachment", args=[attachment.pk]),
        f"/api/v1/matter-attachments/{attachment.pk}/",
    ):
        response = client.get(path, secure=secure)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert_security_headers(response, secure=secure)


def test_production_settings_turn_on_hsts_and_secure_cookies(settings):
    # The test settings are the production ones (DEBUG off) apart from the plain-HTTP test client.
    assert not settings.DEBUG
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    assert settings.SECURE_HSTS_INCLUDE_SUBDOMAINS
    assert settings.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.SESSION_COOKIE_HTTPONLY


def test_production_settings_module_itself():
    """config.settings with DEBUG off, read in a fresh interpreter (not the test overrides)."""
    from tests.test_deploy import manage, production_env

    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = manage("shell", "-c", code, env=production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["31536000", "True", "True", "True"]
