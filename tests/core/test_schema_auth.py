"""``/api/schema/`` answers to the API's own auth (issue 7, item 5): a token or a session; an
anonymous API client gets a JSON 401, a browser the login page."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from rest_framework.test import APIClient

from accounts import services

pytestmark = pytest.mark.django_db

SCHEMA = "/api/schema/"
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_schema_answers_a_token(user):
    token = services.api_token_issue(user=user)
    response = APIClient().get(SCHEMA, headers={"authorization": f"Token {token}", "accept": "application/json"})
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/auth/logout/" in schema["paths"]
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")


def test_schema_answers_a_session(client, user):
    client.force_login(user)
    response = client.get(SCHEMA, headers=BROWSER)
    assert response.status_code == 200
    assert b"openapi" in response.content


@pytest.mark.parametrize(
    "headers",
    [{}, {"accept": "application/json"}, {"accept": "*/*"}, {**BROWSER, "authorization": "Token " + "0" * 64}],
    ids=["no-accept", "json", "any", "browser-with-bad-token"],
)
def test_anonymous_api_client_gets_json_401(client, headers):
    response = client.get(SCHEMA, headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] in ("not_authenticated", "authentication_failed")


def test_anonymous_browser_goes_to_the_login_page(client):
    response = client.get(SCHEMA, headers=BROWSER)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == resolve_url(settings.LOGIN_URL)
    assert "next=" in target.query


def test_expired_or_revoked_token_is_refused(user):
    token = services.api_token_issue(user=user)
    services.password_change(user=user, new_password="another-Pass-456")
    response = APIClient().get(SCHEMA, headers={"authorization": f"Token {token}"})
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
