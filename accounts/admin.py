"""Admin pages for the organization: departments (through the services) and people."""

from contextvars import ContextVar
from typing import Any

import knox.admin  # noqa: F401  (registers knox's token admin, replaced below)
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from core.admin import ReadOnlyAdmin
from core.enums import Classification

from .models import Department, User
from .services import DEPARTMENT_FIELDS, USER_FIELDS, department_create, department_update, user_create, user_update


class DepartmentAdminForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "code", "parent", "head", "doc_prefix", "is_office", "order", "is_active"]

    def clean_parent(self) -> Department | None:
        """Refuse a loop here, as a field error, before the service would refuse it."""
        parent = self.cleaned_data.get("parent")
        cursor = parent
        while cursor is not None and self.instance.pk is not None:
            if cursor.pk == self.instance.pk:
                raise forms.ValidationError(_("A department cannot be placed under itself or its own sub-department."))
            cursor = cursor.parent
        return parent


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentAdminForm
    list_display = ["name", "code", "parent", "head", "doc_prefix", "is_office", "order", "is_active"]
    list_editable = ["order"]
    list_filter = ["is_office", "is_active"]
    list_select_related = ["parent", "head"]
    search_fields = ["name", "code", "doc_prefix"]
    autocomplete_fields = ["head", "parent"]
    ordering = ["order", "id"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Departments are deactivated through ``department_update`` (audited), never deleted.
        return False

    def save_model(self, request: HttpRequest, obj: Department, form: forms.ModelForm, change: bool) -> None:
        """Writes go through the services, which check the rules and record the audit event."""
        if change:
            changes = {f: form.cleaned_data[f] for f in form.changed_data if f in DEPARTMENT_FIELDS}
            if changes:
                department_update(actor=request.user, department=obj, **changes)
                obj.refresh_from_db()
            return
        data = {f: form.cleaned_data[f] for f in ("name", "code", "parent", "doc_prefix", "is_office", "order", "head")}
        created = department_create(actor=request.user, **data)
        if not form.cleaned_data.get("is_active", True):
            created = department_update(actor=request.user, department=created, is_active=False)
        obj.pk = created.pk
        obj.refresh_from_db()


# Who is setting a password in the admin, for the form's save (Django builds that form without the
# request); a context variable keeps concurrent requests apart.
_password_actor: ContextVar[Any] = ContextVar("password_actor")


class PasswordSetForm(AdminPasswordChangeForm):
    """Setting a person's password in the admin goes through ``user_update`` (validated, audited)."""

    def save(self, commit: bool = True) -> Any:
        password = self.cleaned_data["password1"] if self.cleaned_data.get("set_usable_password", True) else None
        self.user = user_update(actor=_password_actor.get(), user=self.user, password=password)
        return self.user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin with the organization's fields; every save, a new password included,
    goes through ``user_create`` or ``user_update`` (the rules, the audit event). Roles are the
    services' (leader, admin: an administrator is staff and superuser); groups and per-user
    permissions are not used."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Organization"), {"fields": ("name", "department", "title", "is_leader", "clearance")}),
        (_("Contact"), {"fields": ("email", "phone")}),
        (_("Permissions"), {"fields": ("is_active", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (
            _("Organization"),
            {"classes": ("wide",), "fields": ("name", "department", "title", "is_leader", "clearance")},
        ),
        (_("Contact"), {"classes": ("wide",), "fields": ("email", "phone")}),
        (_("Permissions"), {"classes": ("wide",), "fields": ("is_superuser",)}),
    )
    readonly_fields = ["last_login", "date_joined"]
    list_display = ["username", "name", "department", "title", "is_leader", "clearance", "is_active", "is_superuser"]
    list_filter = ["department", "is_leader", "clearance", "is_active", "is_superuser"]
    list_select_related = ["department"]
    search_fields = ["username", "name", "name_initials", "name_pinyin", "email", "phone"]
    autocomplete_fields = ["department"]
    filter_horizontal = ()
    ordering = ["department__order", "name", "id"]

    change_password_form = PasswordSetForm

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        token = _password_actor.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The login name is fixed once the person exists (the services do not rename people).
        return [*self.readonly_fields, "username"] if obj is not None else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        roles = [role for role, on in (("leader", data.get("is_leader")), ("admin", data.get("is_superuser"))) if on]
        if change:
            original = User.objects.get(pk=obj.pk)
            changes = {f: data[f] for f in form.changed_data if f in USER_FIELDS - {"password"}}
            if {"is_leader", "is_superuser"} & set(form.changed_data):
                changes["roles"] = roles
            if changes:
                user_update(actor=request.user, user=original, **changes)
            obj.refresh_from_db()
            return
        created = user_create(
            actor=request.user,
            username=data["username"],
            # Django's form has checked the password against the validators; None: no password yet.
            password=data.get("password1") if data.get("set_usable_password", True) else None,
            name=data.get("name", ""),
            department=data.get("department"),
            roles=roles,
            clearance=data.get("clearance") or Classification.INTERNAL,
            title=data.get("title", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # People are deactivated (``user_update``, audited, their tokens revoked), never deleted:
        # a deletion here would bypass the services and erase who did what.
        return False

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        # Nothing besides the services' fields is edited here (no groups or per-user permissions).
        return None


# knox's own token admin lists each token's digest and lets an administrator issue a token for anyone
# (unaudited: a way to act as them). Here tokens are only looked at: whose, since when, until when.
# They end on sign-out, a password change or deactivation (the services).
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(ReadOnlyAdmin):
    list_display = ["user", "created", "expiry"]
    list_display_links = None  # the key is the digest: no page per token
    list_select_related = ["user"]
    search_fields = ["user__username", "user__name"]
    fields = ["user", "created", "expiry"]
    readonly_fields = fields
