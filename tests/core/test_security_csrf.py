"""CSRF protection on every form: derived from the URLconf, not a hand-written list.

Every URL of the application (the login-required sweep's list, filled with real objects) is posted
to by a signed-in administrator through a client that enforces CSRF checks, without a token: each
answers 403 — pages through Django's CSRF middleware, the API through DRF's session authentication.
And every HTML page's POST forms carry the token, so that the refusal never hits a real person.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.test_csp import bureau, url_of  # noqa: F401  (bureau is a fixture)
from tests.test_login_required import ALL_URLS

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")

# URL names a POST without a CSRF token may reach, and why (none may change a signed-in person's data).
EXEMPT = {
    "api:auth-token": (
        "exchanges a username and password for a token returned in the response body, which a forging "
        "site cannot read; it opens no session (tests/core/test_security_sessions.py)"
    ),
}

POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post[\"']?[^>]*>(.*?)</form>", re.I | re.S)
TOKEN_INPUT = re.compile(r"<input\b[^>]*\bname=[\"']csrfmiddlewaretoken[\"']", re.I)


def urls() -> list[tuple[str, str]]:
    return [(name, sample) for name, sample in ALL_URLS if name != "static" and not name.startswith("<unnamed")]


def strict_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_the_sweep_covers_the_urlconf():
    names = {name for name, _sample in urls()}
    # Pages, forms, the admin and the API are all in the list the URLconf gives.
    assert len(names) > 100
    assert {"accounts:password_change", "accounts:logout", "admin:index", "api:me"} <= names
    assert set(EXEMPT) <= names  # no stale exemption


def test_a_post_without_a_csrf_token_is_refused_everywhere(bureau):  # noqa: F811
    client = strict_client(bureau["boss"])
    not_refused = []
    with time_machine.travel(datetime(2026, 3, 3, 10, tzinfo=SH), tick=False):
        for name, sample in urls():
            if name in EXEMPT:
                continue
            path = url_of(name, sample, bureau)
            response = client.post(path, {"title": "x"})
            if response.status_code != 403:
                not_refused.append((name, path, response.status_code))
    assert not_refused == []


def test_the_same_post_with_the_token_passes_the_check(bureau):  # noqa: F811
    """The refusal above is CSRF's: with the cookie's token the same request gets past it."""
    client = strict_client(bureau["boss"])
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post("/api/v1/notifications/read-all/", headers={"x-csrftoken": token})
    assert response.status_code == 200


def test_every_post_form_carries_the_token(bureau):  # noqa: F811
    client = strict_client(bureau["boss"])
    forms = 0
    with time_machine.travel(datetime(2026, 3, 3, 10, tzinfo=SH), tick=False):
        for name, sample in urls():
            if name == "accounts:logout":
                continue
            path = url_of(name, sample, bureau)
            response = client.get(path)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            for body in POST_FORM.findall(response.content.decode()):
                forms += 1
                assert TOKEN_INPUT.search(body), f"{name} ({path}) has a POST form without the CSRF token"
    assert forms >= 30
