"""Admin pages for departments and people: they load, stay within a query budget, and write through services."""

import pytest
from django.urls import reverse

from accounts.models import Department, User
from core.models import AuditEvent
from tests.factories import AdminFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_of, admin_user):
    return client_of(admin_user)


def _rows(count):
    parent = DepartmentFactory(name="上级处", code="parent")
    for i in range(count):
        head = UserFactory(username=f"head{i}")
        dept = DepartmentFactory(code=f"d{i}", parent=parent, head=head, doc_prefix=f"发{i}")
        head.department = dept
        head.save()


@pytest.mark.parametrize("count", [5, 50])
def test_department_changelist_query_count_does_not_grow(admin_client, count, django_assert_num_queries):
    _rows(count)
    # 1 session, 2 user, 3-4 counts (filtered and total), 5 the page of departments with parents and
    # heads joined, 6 the calendar's local overrides (the missing-holidays warning for administrators).
    with django_assert_num_queries(6):
        assert admin_client.get(reverse("admin:accounts_department_changelist")).status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_user_changelist_query_count_does_not_grow(admin_client, count, django_assert_num_queries):
    _rows(count)
    # 1 session, 2 user, 3 departments for the list filter, 4-5 counts (filtered and total),
    # 6 the page of users with departments joined, 7 the calendar's local overrides.
    with django_assert_num_queries(7):
        assert admin_client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_changelists_show_the_organization_columns(admin_client, user, head, department):
    html = admin_client.get(reverse("admin:accounts_department_changelist")).content.decode()
    for text in ("综合处", "general", "综发", "李处长"):
        assert text in html
    html = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    for text in ("staff", "张文涛", "综合处", "科员"):
        assert text in html


@pytest.mark.parametrize("q", ["zwt", "张文", "staff"])
def test_user_admin_searches_name_username_and_initials(admin_client, user, q):
    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": q})
    assert user in list(response.context["cl"].result_list)


def test_change_and_add_pages_load(admin_client, user, department):
    for url in (
        reverse("admin:accounts_department_change", args=[department.pk]),
        reverse("admin:accounts_department_add"),
        reverse("admin:accounts_user_change", args=[user.pk]),
        reverse("admin:accounts_user_add"),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_autocomplete_finds_heads_by_pinyin_initials(admin_client, user):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "department", "field_name": "head", "term": "zwt"},
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(user.pk)]


def _department_form(**overrides):
    data = {
        "name": "信息科",
        "code": "it",
        "parent": "",
        "head": "",
        "doc_prefix": "信发",
        "order": "3",
        "is_active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_adding_a_department_goes_through_the_service(admin_client, admin_user, department):
    response = admin_client.post(reverse("admin:accounts_department_add"), _department_form(parent=department.pk))
    assert response.status_code == 302
    dept = Department.objects.get(code="it")
    assert (dept.parent, dept.doc_prefix, dept.order) == (department, "信发", 3)
    assert AuditEvent.objects.filter(verb="department.create", target_id=dept.pk, actor_id=admin_user.pk).exists()


def test_changing_a_department_goes_through_the_service(admin_client, department, head, user):
    form = _department_form(name="综合处", code="general", doc_prefix="综发", head=user.pk, order="7")
    response = admin_client.post(reverse("admin:accounts_department_change", args=[department.pk]), form)
    assert response.status_code == 302
    department.refresh_from_db()
    assert (department.head, department.order) == (user, 7)
    event = AuditEvent.objects.get(verb="department.update", target_id=department.pk)
    assert event.data == {"head": user.pk, "order": 7}


def test_a_department_cannot_go_under_its_own_child(admin_client, department):
    child = DepartmentFactory(name="信息科", code="it", parent=department)
    form = _department_form(name="综合处", code="general", doc_prefix="综发", parent=child.pk)
    response = admin_client.post(reverse("admin:accounts_department_change", args=[department.pk]), form)
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    department.refresh_from_db()
    assert department.parent is None


def test_second_general_office_is_refused_as_a_form_error(admin_client, office):
    response = admin_client.post(reverse("admin:accounts_department_add"), _department_form(is_office="on"))
    assert response.status_code == 200
    assert not Department.objects.filter(code="it").exists()


def test_changing_a_user_saves_the_organization_fields_and_audits(admin_client, user, department):
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        k: v for k, v in form.initial.items() if v is not None and k not in ("groups", "user_permissions", "password")
    }
    data.update(
        {
            "username": "staff",
            "name": "张文涛",
            "department": department.pk,
            "title": "副处长",
            "is_leader": "on",
            "clearance": "secret",
            "phone": "010-1",
            "email": "staff@example.org",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert (user.title, user.is_leader, user.clearance, user.phone) == ("副处长", True, "secret", "010-1")
    # Through accounts.services.user_update: its audit event names each change (is_leader as a role).
    event = AuditEvent.objects.get(verb="user.update", target_id=user.pk)
    assert event.actor.username == "admin"
    assert {k: event.data.get(k) for k in ("title", "clearance", "phone", "roles")} == {
        "title": "副处长",
        "clearance": "secret",
        "phone": "010-1",
        "roles": ["leader"],
    }


def test_adding_a_user_in_the_admin(admin_client, department):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newbie",
            "usable_password": "true",
            "password1": "An0ther-Secret",
            "password2": "An0ther-Secret",
            "name": "孙新人",
            "department": department.pk,
            "title": "科员",
            "clearance": "internal",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="newbie")
    assert (created.name, created.name_initials, created.department) == ("孙新人", "sxr", department)
    assert created.check_password("An0ther-Secret")
    assert AuditEvent.objects.filter(verb="user.create", target_id=created.pk).exists()


def _change_form(admin_client, person, **changes):
    form = admin_client.get(reverse("admin:accounts_user_change", args=[person.pk])).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password",)}
    for flag in ("is_leader", "is_active", "is_superuser"):
        if data.get(flag):
            data[flag] = "on"
        else:
            data.pop(flag, None)
    data.update(changes)
    return data


def test_user_admin_goes_through_user_update(admin_client, user, monkeypatch):
    """The change page calls accounts.services.user_update (not a save of the whole row)."""
    from accounts import admin as accounts_admin
    from accounts import services

    calls = []

    def spy(**kwargs):
        calls.append(kwargs)
        return services.user_update(**kwargs)

    monkeypatch.setattr(accounts_admin, "user_update", spy)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = admin_client.post(url, _change_form(admin_client, user, clearance="secret", is_superuser="on"))
    assert response.status_code == 302
    assert calls and calls[0]["clearance"] == "secret" and calls[0]["roles"] == ["admin"]
    user.refresh_from_db()
    assert (user.clearance, user.is_superuser, user.is_staff) == ("secret", True, True)


def test_user_admin_deactivation_is_audited_by_the_service(admin_client, user):
    data = _change_form(admin_client, user)
    data.pop("is_active", None)
    assert admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data).status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEvent.objects.get(verb="user.update", target_id=user.pk).data == {"is_active": False}


def test_user_admin_cannot_rename_the_login(admin_client, user):
    data = _change_form(admin_client, user, username="renamed")
    admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    user.refresh_from_db()
    assert user.username == "staff"


def test_user_admin_refuses_removing_ones_own_admin_role(admin_client, admin_user):
    data = _change_form(admin_client, admin_user)
    data.pop("is_superuser", None)
    response = admin_client.post(reverse("admin:accounts_user_change", args=[admin_user.pk]), data)
    assert response.status_code == 400  # the service's refusal, nothing saved
    admin_user.refresh_from_db()
    assert admin_user.is_superuser


def test_adding_a_user_goes_through_user_create(admin_client, department, monkeypatch):
    from accounts import admin as accounts_admin
    from accounts import services

    calls = []

    def spy(**kwargs):
        calls.append(kwargs)
        return services.user_create(**kwargs)

    monkeypatch.setattr(accounts_admin, "user_create", spy)
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "leader2",
            "usable_password": "false",
            "name": "钱副局长",
            "department": department.pk,
            "is_leader": "on",
            "clearance": "secret",
            "phone": "010-2",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="leader2")
    assert calls[0]["roles"] == ["leader"] and calls[0]["password"] is None
    assert (created.is_leader, created.clearance, created.phone, created.has_usable_password()) == (
        True,
        "secret",
        "010-2",
        False,
    )
    assert AuditEvent.objects.get(verb="user.create", target_id=created.pk).data["roles"] == ["leader"]


def test_staff_pages_refuse_ordinary_people(client_of, user):
    response = client_of(user).get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_setting_a_password_goes_through_user_update(admin_client, admin_user, user):
    url = f"/admin/accounts/user/{user.pk}/password/"
    response = admin_client.post(
        url, {"usable_password": "true", "password1": "N3w-Passw0rd-x", "password2": "N3w-Passw0rd-x"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("N3w-Passw0rd-x")
    event = AuditEvent.objects.get(verb="user.update", target_id=user.pk)
    assert (event.actor, event.data) == (admin_user, {"password": "set"})  # never the password itself


def test_disabling_password_login_goes_through_user_update(admin_client, user):
    url = f"/admin/accounts/user/{user.pk}/password/"
    response = admin_client.post(url, {"usable_password": "false", "unset-password": "1"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert AuditEvent.objects.get(verb="user.update", target_id=user.pk).data == {"password": "disabled"}


def test_a_weak_password_is_refused_in_the_admin(admin_client, user):
    url = f"/admin/accounts/user/{user.pk}/password/"
    response = admin_client.post(url, {"usable_password": "true", "password1": "123", "password2": "123"})
    assert response.status_code == 200  # the form again
    user.refresh_from_db()
    assert not user.check_password("123")
    assert not AuditEvent.objects.filter(verb="user.update", target_id=user.pk).exists()


def test_people_and_departments_are_not_deleted_in_the_admin(client, db):
    """Review (issue 7, item 14): deleting bypassed the services and the audit log; deactivate instead."""
    admin_user = AdminFactory()
    person, department = UserFactory(), DepartmentFactory()
    client.force_login(admin_user)
    assert client.get(f"/admin/accounts/user/{person.pk}/delete/").status_code == 403
    assert client.post(f"/admin/accounts/user/{person.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/accounts/department/{department.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(
        "/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    assert type(person).objects.filter(pk=person.pk).exists()
    assert type(department).objects.filter(pk=department.pk).exists()
