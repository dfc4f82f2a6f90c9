"""The API's error format: domain errors, validation, junk ids and bodies; never a 500 on any input."""

import base64
import json

import pytest
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.test import APIClient

from core import errors
from core.api import StrictSerializer, exception_handler, object_id, page_not_found
from tests.factories import NotificationFactory, WorkItemFactory
from tests.test_schema import api_routes, view_methods

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (errors.ValidationError("bad", fields={"title": ["Required."]}), 400, "invalid"),
        (errors.PermissionDenied(), 403, "permission_denied"),
        (errors.NotFound(), 404, "not_found"),
        (errors.Conflict("already decided", code="already_decided"), 409, "already_decided"),
        (errors.RateLimited(), 429, "rate_limited"),
    ],
)
def test_domain_errors_map_to_status_and_format(error, status, code):
    response = exception_handler(error, {})
    assert response.status_code == status
    assert response.data["code"] == code
    assert response.data["detail"]
    assert ("fields" in response.data) == (status == 400)


def test_domain_error_extra_is_part_of_the_body():
    clash = errors.Conflict("clash", code="clash", extra={"conflicts": [{"kind": "room"}]})
    assert exception_handler(clash, {}).data == {"detail": "clash", "code": "clash", "conflicts": [{"kind": "room"}]}


def test_nested_validation_errors_keep_the_shape_field_to_messages():
    detail = {
        "title": ["This field is required."],
        "roles": {0: ['"king" is not a valid choice.']},
        "attendees": [{}, {"user": ["Invalid pk."]}],
    }
    body = exception_handler(serializers.ValidationError(detail), {}).data
    assert body["code"] == "invalid"
    assert body["fields"] == {
        "title": ["This field is required."],
        "roles.0": ['"king" is not a valid choice.'],
        "attendees.1.user": ["Invalid pk."],
    }
    assert body["detail"] == "title: This field is required."


def test_validation_error_without_a_field():
    body = exception_handler(serializers.ValidationError("Nope."), {}).data
    assert body == {"detail": "Nope.", "code": "invalid", "fields": {"non_field_errors": ["Nope."]}}


@pytest.mark.parametrize("value", ["1", "42", str(2**63 - 1)])
def test_object_id_accepts_database_ids(value):
    assert object_id(value) == int(value)


@pytest.mark.parametrize("value", ["", "abc", "0", "-3", "1.5", "１", str(2**63), "9" * 40, None])
def test_object_id_refuses_anything_else_with_404(value):
    with pytest.raises(errors.NotFound):
        object_id(value)


def test_strict_serializer_names_unknown_fields():
    class Input(StrictSerializer):
        name = serializers.CharField()

    data = Input(data={"name": "x", "colour": "red"})
    assert not data.is_valid()
    assert set(data.errors) == {"colour"}


def test_unrouted_api_address_is_json_404_and_pages_keep_the_html_page():
    factory = RequestFactory()
    api = page_not_found(factory.get("/api/v1/users/1.5/"), Exception())
    assert api.status_code == 404
    assert json.loads(api.content)["code"] == "not_found"
    page = page_not_found(factory.get("/nowhere/"), Exception())
    assert page.status_code == 404
    assert page["content-type"].startswith("text/html")


def test_unsupported_media_type_and_method_are_in_the_format(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.post("/api/v1/departments/", data="name=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    response = client.put("/api/v1/me/", {"name": "x"}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# --- the junk sweep: every /api/v1/ route, every method, junk ids, bodies and parameters ---------

JUNK_IDS = ["abc", "0", "-1", "99999999", "123456789012345678901234567890", "%00", "1e3"]
JUNK_BODIES = [
    ("{not json", "application/json"),
    ("[1, 2, 3]", "application/json"),
    ('"a string"', "application/json"),
    ("null", "application/json"),
    (json.dumps({"unknown_field": 1, "id": "x", "name": None, "head": "abc", "roles": {"a": 1}}), "application/json"),
    (json.dumps({"username": ["x"], "password": {"a": 1}, "department": [1], "clearance": 7}), "application/json"),
    ("\x00\xff", "application/octet-stream"),
    ("a=1&b=%00", "application/x-www-form-urlencoded"),
    # Lone surrogates: valid JSON, not valid text (the error's echo used to break the renderer).
    (
        '{"title": "\\ud800", "priority": "\\udfff", "classification": "\\ud800", "username": "\\ud800"}',
        "application/json",
    ),
    ('{"\\ud800": 1, "roles": ["\\ud800"], "attendees": [{"user": "\\udc00"}]}', "application/json"),
]
BIG = "99999999999999999999999"


def _cursor(raw):
    return base64.b64encode(raw if isinstance(raw, bytes) else raw.encode()).decode()


# Forged cursors: junk base64, positions that are not of the column's type or past its range, NULs.
FORGED_CURSORS = [
    "junk",
    "%%%",
    _cursor(bytes(range(256))),
    _cursor("p=abc"),
    _cursor("p=-1"),
    _cursor("p=" + BIG),
    _cursor("p=\x00"),
    _cursor("o=99999999999&p=1"),
    _cursor("o=-5"),
    _cursor("r=x&p=1"),
    _cursor("p=2026-13-45"),
]
JUNK_PARAMS = [
    {"q": "a\x00b"},
    {"status": "x", "kind": "x", "scope": "x", "unread": "x"},
    {"cursor": "junk", "page_size": "-1"},
    {"page_size": "abc", "q": "x" * 5000},
    # Every list filter with ids no key can hold, and flags and numbers that are not.
    {"owner": BIG, "department": BIG, "year": BIG},
    {"owner": "-1", "department": "abc", "year": "1.5", "period": "x", "priority": "x"},
    {"overdue": "maybe", "mine": "x", "upcoming": "2", "unread": "yes please"},
    {"status": "open", "scope": "assigned", "cursor": _cursor("p=" + BIG)},
    *({"cursor": cursor} for cursor in FORGED_CURSORS),
]


def _paths(path, own_id):
    """The route with the person's own id, then with each junk id (or the route itself)."""
    if "{id}" not in path:
        return [path], []
    return [path.replace("{id}", str(own_id))], [path.replace("{id}", junk) for junk in JUNK_IDS]


# A junk id is refused before parameters or bodies matter: each junk id gets these few, the own id
# (and routes without one) every junk parameter set and body.
JUNK_ID_PARAMS = [{}, JUNK_PARAMS[0], {"cursor": FORGED_CURSORS[3]}]
JUNK_ID_BODIES = [JUNK_BODIES[0], JUNK_BODIES[4], JUNK_BODIES[8]]


def _assert_no_server_error(response, what):
    assert response.status_code < 500, what
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body.get("detail"), str), what
        assert isinstance(body.get("code"), str), what


@pytest.mark.parametrize("who", ["user", "admin_user"])
@pytest.mark.parametrize(("path", "callback"), api_routes(), ids=[path for path, _ in api_routes()])
def test_junk_never_gets_a_500(request, who, path, callback, department):
    person = request.getfixturevalue(who)
    own_id = WorkItemFactory(assignee=person).pk
    NotificationFactory(recipient=person)
    client = APIClient()
    client.force_authenticate(person)
    own, junk = _paths(path, own_id)
    for urls, params_sets, bodies in ((own, JUNK_PARAMS, JUNK_BODIES), (junk, JUNK_ID_PARAMS, JUNK_ID_BODIES)):
        for url in urls:
            for method in view_methods(callback):
                send = getattr(client, method)
                if method == "get":
                    for params in params_sets:
                        _assert_no_server_error(send(url, params), f"GET {url} {params}")
                else:
                    for body, content_type in bodies:
                        _assert_no_server_error(
                            send(url, data=body, content_type=content_type), f"{method} {url} {body}"
                        )
