"""Organization API: token (with lock-out), me, people search and create, departments."""

import secrets

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import Department, User
from core.models import AuditEvent
from tests.api import as_, assert_error
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
USERS = "/api/v1/users/"
DEPARTMENTS = "/api/v1/departments/"
PASSWORD = "pass-Word-123"  # tests.factories.UserFactory's password


# --- token ----------------------------------------------------------------------------------


def test_token_then_token_auth_works(api_client, user):
    response = api_client.post(TOKEN, {"username": "staff", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    token = response.json()["token"]
    assert AuthToken.objects.get(user=user).token_key == token[:15]
    assert AuditEvent.objects.filter(verb="auth.token", actor_id=user.pk).exists()
    me = APIClient().get(ME, headers={"authorization": f"Token {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "staff"


def test_each_login_issues_a_fresh_token(api_client, user):
    first = api_client.post(TOKEN, {"username": "staff", "password": PASSWORD}, format="json").json()
    second = api_client.post(TOKEN, {"username": "staff", "password": PASSWORD}, format="json").json()
    assert first != second
    assert AuthToken.objects.filter(user=user).count() == 2


def test_token_accepts_a_form_body(api_client, user):
    assert api_client.post(TOKEN, {"username": "staff", "password": PASSWORD}).status_code == 200


def test_bad_credentials_are_400_in_the_error_format(api_client, user):
    response = api_client.post(TOKEN, {"username": "staff", "password": "wrong"}, format="json")
    assert_error(response, 400, "invalid_credentials")
    assert not AuthToken.objects.exists()


def test_inactive_person_gets_no_token(api_client, user):
    user.is_active = False
    user.save()
    assert_error(api_client.post(TOKEN, {"username": "staff", "password": PASSWORD}, format="json"), 400)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "staff"}, "password"),
        ({"password": "x"}, "username"),
        ({"username": "a\x00b", "password": "x"}, "username"),
    ],
)
def test_token_missing_or_junk_fields_name_the_field(api_client, user, body, field):
    body = assert_error(api_client.post(TOKEN, body, format="json"), 400, "invalid")
    assert field in body["fields"]


def test_token_refuses_non_json(api_client, user):
    response = api_client.post(TOKEN, data="{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_five_failures_lock_that_username_from_that_address(api_client, user, head):
    for _ in range(4):
        assert api_client.post(TOKEN, {"username": "staff", "password": "wrong"}, format="json").status_code == 400
    fifth = api_client.post(TOKEN, {"username": "staff", "password": "wrong"}, format="json")
    assert_error(fifth, 429, "locked_out")
    assert "15" in fifth.json()["detail"]
    assert fifth["content-type"] == "application/json"

    # Now even the right password is refused, in the API's own format...
    locked = api_client.post(TOKEN, {"username": "staff", "password": PASSWORD}, format="json")
    assert_error(locked, 429, "locked_out")
    # ...but the rest of the office behind the same address can still log in,
    assert api_client.post(TOKEN, {"username": "head", "password": PASSWORD}, format="json").status_code == 200
    # and so can the same person from another address.
    elsewhere = api_client.post(
        TOKEN, {"username": "staff", "password": PASSWORD}, format="json", REMOTE_ADDR="10.0.0.9"
    )
    assert elsewhere.status_code == 200


def test_a_success_clears_earlier_failures(api_client, user):
    for _ in range(4):
        api_client.post(TOKEN, {"username": "staff", "password": "wrong"}, format="json")
    assert api_client.post(TOKEN, {"username": "staff", "password": PASSWORD}, format="json").status_code == 200
    for _ in range(4):
        api_client.post(TOKEN, {"username": "staff", "password": "wrong"}, format="json")
    assert api_client.post(TOKEN, {"username": "staff", "password": PASSWORD}, format="json").status_code == 200


# --- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [ME, USERS, f"{USERS}1/", DEPARTMENTS])
def test_anonymous_gets_401_in_the_error_format(api_client, url):
    response = api_client.get(url)
    assert_error(response, 401, "not_authenticated")
    assert response["www-authenticate"].startswith("Token")


def test_a_wrong_token_is_401(api_client, user):
    assert_error(api_client.get(ME, headers={"authorization": "Token nonsense"}), 401, "authentication_failed")


def test_session_auth_needs_csrf_for_writes(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(ME).status_code == 200

    refused = client.post("/api/v1/notifications/read-all/")
    assert "CSRF" in assert_error(refused, 403, "permission_denied")["detail"]

    secret = secrets.token_hex(16)  # a 32-character CSRF secret, as Django's cookie holds
    client.cookies["csrftoken"] = secret
    response = client.post("/api/v1/notifications/read-all/", headers={"x-csrftoken": secret})
    assert response.status_code == 200
    assert response.json() == {"marked": 0}


# --- me -------------------------------------------------------------------------------------


def test_me(user_api, user, department):
    body = user_api.get(ME).json()
    assert body == {
        "id": user.pk,
        "username": "staff",
        "name": "张文涛",
        "department": {"id": department.pk, "name": "综合处"},
        "title": "科员",
        "roles": [],
        "clearance": "internal",
        "email": user.email,
        "is_office": False,
    }


def test_me_of_an_office_leader(leader, office):
    body = as_(leader).get(ME).json()
    assert body["roles"] == ["leader"]
    assert body["is_office"] is True
    assert body["department"] == {"id": office.pk, "name": "办公室"}


def test_me_without_department(db):
    loner = UserFactory(department=None)
    assert as_(loner).get(ME).json()["department"] is None


# --- people ---------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["zwt", "ZWT", "张文", "staff", "zhangwentao"])
def test_people_search(user_api, user, head, q):
    body = user_api.get(USERS, {"q": q}).json()
    assert [p["id"] for p in body["results"]] == [user.pk]
    assert set(body) == {"results", "next", "previous"}


def test_people_search_without_q_lists_active_people(user_api, user, head):
    UserFactory(username="gone", is_active=False)
    ids = {p["id"] for p in user_api.get(USERS).json()["results"]}
    assert ids == {user.pk, head.pk}


def test_people_list_pages_with_a_cursor(user_api, user, department):
    UserFactory.create_batch(4, department=department)
    first = user_api.get(USERS, {"page_size": 3}).json()
    assert len(first["results"]) == 3
    assert first["previous"] is None
    second = user_api.get(first["next"]).json()
    assert len(second["results"]) == 2
    assert second["next"] is None
    assert {p["id"] for p in first["results"] + second["results"]} == set(User.objects.values_list("id", flat=True))


@pytest.mark.parametrize("params", [{"q": "a\x00b"}, {"q": "x" * 101}, {"cursor": "junk"}])
def test_people_search_junk_is_4xx(user_api, user, params):
    response = user_api.get(USERS, params)
    assert response.status_code in (400, 404)
    assert_error(response, response.status_code)


@pytest.mark.parametrize("rows", [5, 50])
def test_people_list_query_count_does_not_grow(user_api, user, department, rows, django_assert_num_queries):
    UserFactory.create_batch(rows - 1, department=department)
    with django_assert_num_queries(1):  # 1: the page of people joined with their departments
        response = user_api.get(USERS)
    assert len(response.json()["results"]) == rows


def test_person_card(user_api, head, department):
    body = user_api.get(f"{USERS}{head.pk}/").json()
    assert body == {
        "id": head.pk,
        "username": "head",
        "name": "李处长",
        "department": {"id": department.pk, "name": "综合处"},
        "title": "处长",
        "roles": [],
    }


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "999999999999999999999999", "１"])
def test_person_card_junk_id_is_404(user_api, user, pk):
    assert_error(user_api.get(f"{USERS}{pk}/"), 404, "not_found")


def test_inactive_person_is_404(user_api, user):
    gone = UserFactory(is_active=False)
    assert_error(user_api.get(f"{USERS}{gone.pk}/"), 404)


def new_person(**changes):
    return {
        "username": "newbie",
        "password": "a-Long-enough-pass-42",
        "name": "赵新人",
        "roles": ["leader"],
        "clearance": "secret",
        **changes,
    }


def test_admin_creates_a_person(admin_user, department):
    response = as_(admin_user).post(USERS, new_person(department=department.pk), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["username"] == "newbie"
    assert body["department"] == {"id": department.pk, "name": "综合处"}
    assert body["roles"] == ["leader"]
    assert body["clearance"] == "secret"
    created = User.objects.get(username="newbie")
    assert created.check_password("a-Long-enough-pass-42")
    assert created.is_leader
    assert not created.is_superuser
    assert "password" not in body


def test_non_admin_may_not_create_people_even_with_a_bad_body(user_api, leader):
    assert_error(user_api.post(USERS, new_person(), format="json"), 403, "permission_denied")
    assert_error(user_api.post(USERS, {"junk": 1}, format="json"), 403)
    assert_error(as_(leader).post(USERS, new_person(), format="json"), 403)
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password": "123"}, "password"),
        ({"password": "password"}, "password"),
        ({"roles": ["king"]}, "roles"),
        ({"roles": "leader"}, "roles"),
        ({"clearance": "top"}, "clearance"),
        ({"department": "abc"}, "department"),
        ({"department": 99999}, "department"),
        ({"department": 10**30}, "department"),
        ({"username": "has space"}, "username"),
        ({"username": "staff"}, "username"),
        ({"name": ""}, "name"),
        ({"nickname": "x"}, "nickname"),
    ],
)
def test_person_create_validation_names_the_field(admin_user, user, changes, field):
    body = assert_error(as_(admin_user).post(USERS, new_person(**changes), format="json"), 400)
    # A nested place gets a dotted key (roles.0); every value is a list of messages.
    assert any(key == field or key.startswith(f"{field}.") for key in body["fields"]), body
    assert all(isinstance(m, str) for messages in body["fields"].values() for m in messages)
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize("body", ["[1, 2]", "null", '"text"', "{bad"])
def test_person_create_junk_body_is_400(admin_user, body):
    response = as_(admin_user).post(USERS, data=body, content_type="application/json")
    assert_error(response, 400)


# --- departments ----------------------------------------------------------------------------


def test_departments_list(user_api, department, head, office):
    body = user_api.get(DEPARTMENTS).json()
    by_code = {d["code"]: d for d in body["results"]}
    assert by_code["general"] == {
        "id": department.pk,
        "name": "综合处",
        "code": "general",
        "parent": None,
        "head": {"id": head.pk, "name": "李处长"},
        "doc_prefix": "综发",
        "is_office": False,
        "order": department.order,
        "is_active": True,
    }
    assert by_code["office"]["is_office"] is True


def test_retired_departments_are_hidden_from_staff_but_not_admins(user_api, admin_user):
    retired = DepartmentFactory(is_active=False)
    assert retired.pk not in {d["id"] for d in user_api.get(DEPARTMENTS).json()["results"]}
    assert_error(user_api.get(f"{DEPARTMENTS}{retired.pk}/"), 404)
    assert as_(admin_user).get(f"{DEPARTMENTS}{retired.pk}/").status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_departments_list_query_count_does_not_grow(user_api, user, rows, django_assert_num_queries):
    parent = DepartmentFactory()
    for dept in DepartmentFactory.create_batch(rows - 2, parent=parent):
        dept.head = UserFactory(department=dept)
        dept.save()
    with django_assert_num_queries(1):  # 1: the departments joined with their heads and parents
        response = user_api.get(DEPARTMENTS)
    assert len(response.json()["results"]) == rows


def test_admin_creates_a_department(admin_user, office):
    response = as_(admin_user).post(
        DEPARTMENTS, {"name": "法规处", "code": "legal", "parent": office.pk, "doc_prefix": "法发"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent"] == office.pk
    assert body["is_office"] is False
    assert Department.objects.get(code="legal").doc_prefix == "法发"


def test_non_admin_may_not_create_or_change_departments(user_api, department, head):
    assert_error(user_api.post(DEPARTMENTS, {"name": "x", "code": "x"}, format="json"), 403, "permission_denied")
    assert_error(user_api.patch(f"{DEPARTMENTS}{department.pk}/", {"head": None}, format="json"), 403)
    department.refresh_from_db()
    assert department.head == head


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x"}, "code"),
        ({"code": "x"}, "name"),
        ({"name": "x", "code": "has space"}, "code"),
        ({"name": "x", "code": "general"}, "code"),
        ({"name": "x", "code": "x", "is_office": True}, "is_office"),
        ({"name": "x", "code": "x", "parent": "abc"}, "parent"),
        ({"name": "x", "code": "x", "order": -1}, "order"),
        ({"name": "x", "code": "x", "colour": "red"}, "colour"),
    ],
)
def test_department_create_validation_names_the_field(admin_user, department, office, body, field):
    response = assert_error(as_(admin_user).post(DEPARTMENTS, body, format="json"), 400)
    assert field in response["fields"], response


def test_admin_sets_the_head(admin_user, department, user):
    response = as_(admin_user).patch(f"{DEPARTMENTS}{department.pk}/", {"head": user.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["head"] == {"id": user.pk, "name": "张文涛"}
    department.refresh_from_db()
    assert department.head == user
    assert AuditEvent.objects.filter(verb="department.update").exists()


def test_admin_patch_changes_only_what_is_sent(admin_user, department):
    response = as_(admin_user).patch(f"{DEPARTMENTS}{department.pk}/", {"doc_prefix": "综字"}, format="json")
    assert response.status_code == 200
    department.refresh_from_db()
    assert (department.name, department.doc_prefix) == ("综合处", "综字")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"head": 99999}, "head"),
        ({"head": "abc"}, "head"),
        ({"name": ""}, "name"),
        ({"hed": 1}, "hed"),
    ],
)
def test_department_patch_validation_names_the_field(admin_user, department, body, field):
    response = as_(admin_user).patch(f"{DEPARTMENTS}{department.pk}/", body, format="json")
    assert field in assert_error(response, 400)["fields"]


def test_department_cannot_go_under_itself(admin_user, department):
    child = DepartmentFactory(parent=department)
    response = as_(admin_user).patch(f"{DEPARTMENTS}{department.pk}/", {"parent": child.pk}, format="json")
    assert "parent" in assert_error(response, 400, "invalid")["fields"]


@pytest.mark.parametrize("pk", ["99999", "abc", "0"])
def test_department_patch_of_an_unknown_department_is_404(admin_user, pk):
    assert_error(as_(admin_user).patch(f"{DEPARTMENTS}{pk}/", {"name": "x"}, format="json"), 404, "not_found")


def test_an_id_with_a_dot_matches_no_route_and_is_404(admin_user):
    # The body is the error format once config.urls sets handler404 = core.api.page_not_found.
    assert as_(admin_user).patch(f"{DEPARTMENTS}1.5/", {"name": "x"}, format="json").status_code == 404
