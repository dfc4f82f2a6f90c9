"""The OpenAPI schema describes every /api/v1/ endpoint and validates; the docs load offline."""

import os
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.admindocs.views import simplify_regex
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

API_PREFIX = "/api/v1/"
NOT_OPERATIONS = {"options", "head", "trace"}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _schema_path(route):
    """``api/v1/^users/(?P<pk>[^/.]+)/$`` or ``.../<int:pk>/`` → ``/api/v1/users/{id}/`` (the schema's form)."""
    path = simplify_regex(route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
    return path.replace("{pk}", "{id}")


def view_methods(callback):
    """The HTTP methods a DRF view answers (a viewset route: its action map)."""
    actions = getattr(callback, "actions", None)  # DRF adds "head" to it once a GET was served
    methods = set(actions) if actions else {m for m in callback.cls.http_method_names if hasattr(callback.cls, m)}
    return methods - NOT_OPERATIONS


def api_routes():
    """Every URL pattern under /api/v1/ with its view, found by walking the resolver (not the schema)."""
    routes = [(_schema_path(route), callback) for route, callback in _walk(get_resolver().url_patterns)]
    return [(path, callback) for path, callback in routes if path.startswith(API_PREFIX)]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_the_walk_finds_the_api():
    paths = {path for path, _ in api_routes()}
    assert {"/api/v1/auth/token/", "/api/v1/me/", "/api/v1/users/", "/api/v1/work-items/{id}/"} <= paths


@pytest.mark.parametrize(("path", "callback"), api_routes(), ids=[path for path, _ in api_routes()])
def test_every_api_route_and_method_is_in_the_schema(schema, path, callback):
    assert hasattr(callback, "cls"), f"{path} is not a DRF view, so the schema cannot describe it"
    assert path in schema["paths"], f"{path} is missing from the schema"
    operations = schema["paths"][path]
    for method in view_methods(callback):
        assert method in operations, f"{method.upper()} {path} is missing from the schema"
        responses = operations[method]["responses"]
        assert any(code.startswith("2") for code in responses), f"{method.upper()} {path} declares no success"
        if any(operations[method].get("security", [])):  # needs authentication
            assert "401" in responses, f"{method.upper()} {path} does not declare the 401 error"


def test_every_schema_operation_is_annotated_with_a_response_body(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            success = [r for code, r in operation["responses"].items() if code.startswith("2")]
            assert all("content" in r for r in success), f"{method.upper()} {path} has no response schema"


def test_schema_validates_without_warnings():
    # Fails on any drf-spectacular warning (an unannotated view, an unresolvable type, an enum clash).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)


def test_schema_endpoint_serves_the_api(client_of, user):
    response = client_of(user).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/v1/work-items/" in response.json()["paths"]


def test_docs_load_offline(client_of, user):
    response = client_of(user).get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # Nothing is fetched from another host: every absolute URL is this server's own.
    for url in re.findall(r"""https?://[^\s"'<>)]+""", html):
        assert urlsplit(url).hostname == "testserver", f"the docs load {url}"
    # Every asset is a local static file that exists.
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not among the static files"


def test_schema_and_docs_need_a_login(client):
    docs = client.get("/api/docs/")
    assert docs.status_code == 302
    assert docs.url.startswith(resolve_url(settings.LOGIN_URL))
    assert client.get("/api/schema/").status_code in (302, 401)
