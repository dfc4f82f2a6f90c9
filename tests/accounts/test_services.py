"""Organization writes: administrators only, validated, audited."""

import pytest

from accounts import access
from accounts.models import Department, User
from accounts.services import department_create, department_update, profile_update, user_create, user_update
from core.errors import PermissionDenied, ValidationError
from core.models import AuditEvent
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_creates_departments_and_people(admin_user, office):
    dept = department_create(actor=admin_user, name="财务处", code="finance", doc_prefix="财发", parent=office)
    person = user_create(
        actor=admin_user,
        username="zhangwt",
        password="Quite-Long-9",
        name="张文涛",
        department=dept,
        roles=["leader"],
        clearance="secret",
    )
    assert person.check_password("Quite-Long-9")
    assert person.roles == ["leader"]
    assert (person.name_pinyin, person.name_initials) == ("zhangwentao", "zwt")
    assert AuditEvent.objects.filter(verb="user.create", target_id=person.pk).exists()


def test_non_admin_is_refused_and_nothing_is_written(user):
    with pytest.raises(PermissionDenied):
        department_create(actor=user, name="x", code="x")
    with pytest.raises(PermissionDenied):
        user_create(actor=user, username="x", password="Quite-Long-9", name="x")
    assert not Department.objects.filter(code="x").exists()
    assert not User.objects.filter(username="x").exists()


def test_weak_password_is_refused_with_a_field_message(admin_user):
    with pytest.raises(ValidationError) as excinfo:
        user_create(actor=admin_user, username="weak", password="123", name="弱密码")
    assert "password" in excinfo.value.fields
    assert not User.objects.filter(username="weak").exists()


def test_duplicate_username_and_unknown_role_are_refused(admin_user, user):
    with pytest.raises(ValidationError) as dup:
        user_create(actor=admin_user, username="STAFF", password="Quite-Long-9", name="重名")
    assert "username" in dup.value.fields
    with pytest.raises(ValidationError) as role:
        user_create(actor=admin_user, username="new", password="Quite-Long-9", name="新人", roles=["king"])
    assert "roles" in role.value.fields


def test_only_one_office(admin_user, office):
    with pytest.raises(ValidationError) as excinfo:
        department_create(actor=admin_user, name="第二办公室", code="office2", is_office=True)
    assert "is_office" in excinfo.value.fields
    other = DepartmentFactory()
    with pytest.raises(ValidationError):
        department_update(actor=admin_user, department=other, is_office=True)


def test_set_head_and_refuse_cycles(admin_user, department, user):
    department_update(actor=admin_user, department=department, head=user)
    department.refresh_from_db()
    assert department.head_id == user.pk
    child = department_create(actor=admin_user, name="科室", code="child", parent=department)
    with pytest.raises(ValidationError) as excinfo:
        department_update(actor=admin_user, department=department, parent=child)
    assert "parent" in excinfo.value.fields


def test_inactive_person_cannot_be_head(admin_user, department):
    gone = UserFactory(is_active=False)
    with pytest.raises(ValidationError):
        department_update(actor=admin_user, department=department, head=gone)


def test_roles_change_and_admins_keep_their_own_role(admin_user, user):
    user_update(actor=admin_user, user=user, roles=["leader", "admin"])
    user.refresh_from_db()
    assert user.is_leader and user.is_superuser and user.is_staff
    with pytest.raises(ValidationError):
        user_update(actor=admin_user, user=admin_user, roles=[])
    admin_user.refresh_from_db()
    assert admin_user.is_superuser


def test_renaming_updates_the_search_keys(admin_user, user):
    user_update(actor=admin_user, user=user, name="刘洋")
    user.refresh_from_db()
    assert user.name_initials == "ly"


def test_profile_update_limits_fields(user):
    profile_update(user=user, phone="010-12345678")
    user.refresh_from_db()
    assert user.phone == "010-12345678"
    with pytest.raises(ValidationError):
        profile_update(user=user, clearance="confidential")


def test_access_helpers(office_member, user, leader, admin_user, head):
    assert access.is_office_member(office_member)
    assert not access.is_office_member(user)
    assert access.sees_everything(leader) and access.sees_everything(admin_user)
    assert not access.sees_everything(user)
    assert access.head_of(user) == head
    assert access.head_of(head) is None
    assert access.headed_department_ids(head) == [head.department_id]


def test_office_and_headed_departments_in_one_query(office, department, django_assert_num_queries):
    # An office member who heads two departments (one of them not their own, listed in order).
    other = DepartmentFactory(order=0)
    person = UserFactory(department=office)
    for dept in (department, other):
        dept.head = person
        dept.save()
    staff = UserFactory(department=department)
    in_order = [d.pk for d in sorted((department, other), key=lambda d: (d.order, d.pk))]
    for who, office_member, headed in ((person, True, in_order), (staff, False, [])):
        fresh = User.objects.get(pk=who.pk)
        with django_assert_num_queries(1):
            assert access.is_office_member(fresh) is office_member
            assert access.headed_department_ids(fresh) == headed
            assert access.sees_everything(fresh) is office_member
    # A head of the office who is not in it is not the office.
    office.head = staff
    office.save()
    assert not access.is_office_member(User.objects.get(pk=staff.pk))
    assert access.headed_department_ids(User.objects.get(pk=staff.pk)) == [office.pk]
