"""Every URL needs a login, except an explicit allow-list.

The sweep walks every pattern of the root URLconf, fills path converters with sample values and
requests the URL anonymously: a page must redirect to the login page, an API endpoint must answer
401. A new URL outside ``ALLOWED`` that answers anything else fails this test: protect the view
(the default) or, if it truly must be public, add it here with the reason.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import get_resolver, reverse

from tests.urlwalk import walk

pytestmark = pytest.mark.django_db

# URL names (with namespace) that anyone may open, and why.
ALLOWED = {
    "login": "the sign-in page itself",
    "accounts:login": "the sign-in page itself",
    "accounts:logout": "signing out needs no session (POST only)",
    "admin:login": "the admin's own sign-in page",
    "password_reset": "resetting a forgotten password",
    "password_reset_done": "resetting a forgotten password",
    "password_reset_confirm": "resetting a forgotten password",
    "password_reset_complete": "resetting a forgotten password",
    "healthz": "load balancers and monitoring poll it",
    "verify": "anyone holding an issued document checks it (QR code on the paper); rate-limited",
    "set_language": "the login page offers the language switch",
    "public_feedback": "the public feedback page (群众意见); 404 unless enabled, rate-limited, challenged",
    "api:auth-token": "exchanging a username and password for a token",
    "meetings:calendar_feed": "calendar clients subscribe without a session; the tokened address is the secret",
    "static": "CSS and scripts of the login page (DEBUG only)",
}

ALL_URLS = sorted(set(walk(get_resolver())))


def test_the_sweep_sees_the_application():
    names = {name for name, _ in ALL_URLS}
    assert {"login", "healthz", "set_language", "workload:desk"} <= names
    assert any(path.startswith("/api/v1/") for _, path in ALL_URLS)
    assert any(path.startswith("/admin/") for _, path in ALL_URLS)


@pytest.mark.parametrize(("name", "path"), [u for u in ALL_URLS if u[0] not in ALLOWED], ids=lambda v: str(v))
def test_anonymous_request_is_refused(client, name, path):
    response = client.get(path)

    if path == "/api/schema/":  # an API client gets a JSON 401, a browser the login page
        assert response.status_code == 401, f"{name} ({path}) answered {response.status_code} without a login"
        assert response["Content-Type"].startswith("application/json")
        response = client.get(path, headers={"accept": "text/html,application/xhtml+xml"})  # a browser
    if path.startswith("/api/v1/"):
        assert response.status_code == 401, f"{name} ({path}) answered {response.status_code} without a login"
        assert response["Content-Type"].startswith("application/json")
        return
    assert response.status_code == 302, f"{name} ({path}) answered {response.status_code} without a login"
    target = urlsplit(response["Location"])
    # The admin sends people to its own sign-in page (which then needs a staff account).
    login_pages = {reverse(settings.LOGIN_URL)} | ({reverse("admin:login")} if name.startswith("admin:") else set())
    assert target.path in login_pages, f"{name} ({path}) redirects to {response['Location']}"
    assert "next=" in target.query


def test_allowed_pages_answer_anonymously(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("login")
