"""No 500 on any input (issue 7, item 6): forged cursors on lists with rows, ids past the bigint
range in every list filter and people picker (API 400 with fields, pages with form errors), lone
surrogates refused as field errors, and JSON errors under /api/ with DEBUG off."""

import base64
import json
from datetime import date

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from affairs.services import matter_create
from core.api import bad_request, permission_denied, server_error
from tests.api import as_, assert_error
from tests.factories import NotificationFactory, UserFactory, WorkItemFactory

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999999"
LISTS = ["/api/v1/matters/", "/api/v1/users/", "/api/v1/work-items/", "/api/v1/notifications/", "/api/v1/departments/"]


def _cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


@pytest.fixture
def rows(leader, user, department):
    for i in range(3):
        matter_create(actor=leader, title=f"事项{i}", priority="key", lead=user, due_on=date(2030, 3, 6))
        WorkItemFactory(assignee=leader)
        NotificationFactory(recipient=leader)
        UserFactory(department=department)
    return leader


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        _cursor("p=abc"),
        _cursor("p=" + BIG),
        _cursor("p=-" + BIG),
        _cursor("p=1\x00"),
        base64.b64encode(bytes(range(200, 256))).decode(),
    ],
)
def test_forged_cursor_is_a_404_in_the_error_format(rows, path, cursor):
    response = as_(rows).get(path, {"cursor": cursor, "page_size": 1})
    if response.status_code == 200:  # a position that is text (people are ordered by name) is just a place
        assert path in ("/api/v1/users/", "/api/v1/departments/")
        return
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("path", LISTS)
def test_real_cursors_still_page(rows, path):
    client = as_(rows)
    first = client.get(path, {"page_size": 1}).json()
    assert first["next"]
    second = client.get(first["next"]).json()
    assert second["results"]
    assert second["results"][0]["id"] != first["results"][0]["id"]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/matters/", {"owner": BIG}, "owner"),
        ("/api/v1/matters/", {"department": BIG}, "department"),
        ("/api/v1/matters/", {"owner": "-1"}, "owner"),
        ("/api/v1/matters/", {"overdue": "maybe"}, "overdue"),
        ("/api/v1/matters/", {"status": "\ufffd"}, "status"),
        ("/api/v1/work-plans/", {"department": BIG}, "department"),
        ("/api/v1/work-plans/", {"year": BIG}, "year"),
        ("/api/v1/receptions/", {"upcoming": "2"}, "upcoming"),
        ("/api/v1/users/", {"department": BIG}, "department"),
        ("/api/v1/work-items/", {"scope": "everyone"}, "scope"),
        ("/api/v1/notifications/", {"unread": "x"}, "unread"),
    ],
)
def test_bad_filter_values_are_400_naming_the_field(rows, path, params, field):
    body = assert_error(as_(rows).get(path, params), 400, "invalid")
    assert field in body["fields"]


def test_filters_still_filter(rows, user):
    client = as_(rows)
    owned = client.get("/api/v1/matters/", {"owner": user.pk}).json()["results"]
    assert len(owned) == 3
    assert client.get("/api/v1/matters/", {"owner": rows.pk}).json()["results"] == []
    assert len(client.get("/api/v1/notifications/", {"unread": "1"}).json()["results"]) == 3
    assert client.get("/api/v1/notifications/", {"unread": "0"}).json()["results"] == []


@pytest.mark.parametrize(
    "path",
    [
        f"/affairs/matters/?owner={BIG}",
        f"/affairs/matters/?department={BIG}&status=x&overdue=maybe",
        f"/affairs/matters/?after={BIG}",
        f"/affairs/plans/?department={BIG}&year={BIG}",
        "/affairs/receptions/?upcoming=2&status=x",
        f"/accounts/people/?department={BIG}",
        f"/accounts/people/search/?department={BIG}&q=x",
    ],
)
def test_pages_show_bad_filters_as_form_errors(client, rows, path):
    client.force_login(rows)
    response = client.get(path)
    assert response.status_code == 200


def test_matter_page_marks_the_bad_field(client, rows):
    client.force_login(rows)
    response = client.get(f"/affairs/matters/?owner={BIG}")
    assert response.context["form"].errors.keys() == {"owner"}
    assert b"is-invalid" in response.content


@pytest.mark.parametrize(
    "body",
    [
        {"title": "\ud800", "priority": "key", "lead": 1, "due_on": "2030-01-01"},
        {"title": "ok", "priority": "\ud800", "lead": 1, "due_on": "2030-01-01"},
        {"title": "ok", "priority": "key", "lead": 1, "due_on": "2030-01-01", "classification": "\udfff"},
    ],
)
def test_lone_surrogates_are_field_errors(rows, body):
    client = as_(rows)
    text = json.dumps(body)  # ASCII escapes: "\\ud800" is valid JSON, not valid text
    response = client.post("/api/v1/matters/", data=text, content_type="application/json")
    result = assert_error(response, 400, "invalid")
    bad = next(key for key, value in body.items() if isinstance(value, str) and "\\ud" in json.dumps(value))
    assert bad in result["fields"]


def test_lone_surrogate_in_a_key_or_a_list(rows):
    text = '{"\\ud800": 1, "assisting": ["\\udc00"]}'
    response = as_(rows).post("/api/v1/matters/", data=text, content_type="application/json")
    result = assert_error(response, 400, "invalid")
    assert "assisting.0" in result["fields"]
    response.content.decode("utf-8")  # the answer is valid UTF-8


def test_token_endpoint_refuses_surrogates_too(db):
    text = '{"username": "\\ud800", "password": "x"}'
    response = APIClient().post("/api/v1/auth/token/", data=text, content_type="application/json")
    assert "username" in assert_error(response, 400, "invalid")["fields"]


def test_error_handlers_answer_json_under_api_and_pages_elsewhere():
    factory = RequestFactory()
    for handler, status, args in [
        (server_error, 500, ()),
        (bad_request, 400, (Exception(),)),
        (permission_denied, 403, (Exception(),)),
    ]:
        api = handler(factory.get("/api/v1/matters/"), *args)
        assert api.status_code == status
        assert api["Content-Type"].startswith("application/json")
        assert json.loads(api.content)["code"]
        page = handler(factory.get("/affairs/matters/"), *args)
        assert page.status_code == status
        assert page["Content-Type"].startswith("text/html")


def test_an_unexpected_failure_under_api_is_json(rows, client, monkeypatch):
    """With DEBUG off (the test settings), an exception in an API view is the JSON 500."""
    from affairs import selectors

    def boom(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "matter_list", boom)
    client.force_login(rows)
    client.raise_request_exception = False
    response = client.get("/api/v1/matters/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        (
            "/affairs/matters/new/",
            {"title": "x", "priority": "key", "lead": BIG, "assisting": [BIG, "-1"], "due_on": "2030-01-01"},
            "lead",
        ),
        (
            "/affairs/receptions/new/",
            {
                "visiting_org": "x",
                "purpose": "y",
                "arrival": "2030-01-01T09:00",
                "departure": "2030-01-01T10:00",
                "host_leader": BIG,
                "accompanying": [BIG],
            },
            "host_leader",
        ),
    ],
)
def test_people_pickers_refuse_out_of_range_ids_as_form_errors(client, office_member, path, data, field):
    client.force_login(office_member)
    response = client.post(path, data)
    assert response.status_code in (200, 400)
    assert field in response.context["form"].errors


def _page_forms():
    """Every form class of the project's apps' ``forms`` modules."""
    import importlib
    import inspect

    from django import forms

    for app in ("accounts", "workload", "notifications", "affairs", "documents", "meetings", "relations"):
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, forms.Form) and form_class.__module__ == module.__name__:
                yield pytest.param(form_class, id=f"{module.__name__}.{name}")


@pytest.mark.parametrize("form_class", list(_page_forms()))
def test_every_choice_of_every_page_form_takes_an_out_of_range_id(form_class, leader):
    """Every model choice (people pickers, departments) of every page form refuses ids no key can
    hold with a form error; none reaches the database (SQLite would overflow)."""
    from django import forms
    from django.http import QueryDict

    try:
        form = form_class()
    except TypeError:
        pytest.skip("needs arguments")
    data = QueryDict(mutable=True)
    choices = [n for n, f in form.fields.items() if isinstance(f, forms.ModelChoiceField)]
    if not choices:
        pytest.skip("no model choice")
    for name in choices:
        data.setlist(name, [BIG, "-1"] if isinstance(form.fields[name], forms.ModelMultipleChoiceField) else [BIG])
    bound = form_class(data)
    assert not bound.is_valid()
    assert set(choices) <= set(bound.errors)
