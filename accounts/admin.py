"""Admin pages for the organization: departments (through the services) and people."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record

from .models import Department, User
from .services import DEPARTMENT_FIELDS, department_create, department_update


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


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin with the organization's fields; every save is audited."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Organization"), {"fields": ("name", "department", "title", "is_leader", "clearance")}),
        (_("Contact"), {"fields": ("email", "phone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (
            _("Organization"),
            {"classes": ("wide",), "fields": ("name", "department", "title", "is_leader", "clearance")},
        ),
    )
    list_display = ["username", "name", "department", "title", "is_leader", "clearance", "is_active", "is_superuser"]
    list_filter = ["department", "is_leader", "clearance", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["department"]
    search_fields = ["username", "name", "name_initials", "name_pinyin", "email", "phone"]
    autocomplete_fields = ["department"]
    ordering = ["department__order", "name", "id"]

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = sorted(set(form.changed_data) - {"password", "password1", "password2", "usable_password"})
        audit_record(
            actor=request.user,
            verb="user.update" if change else "user.create",
            target=obj,
            data={"fields": changed, "password_changed": bool({"password1", "password"} & set(form.changed_data))},
        )
