"""Admin of relations: for looking things up. Read-only, because every change goes through the
services (the ledger of work items, the audit log, the notifications); the pages do that.

Administrators administer people and settings, not content: a coordination matter is listed and
opened only when the administrator may see it by the rule ``relations.apps`` registered with
``workload.targets`` (``selectors.coordination_visibility``); a leader's schedule entry only when
the administrator may see what it is (``schedules.details_visibility``). Anything else is 404."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import HiddenIsNotFoundMixin, ReadOnlyAdmin
from workload.admin import TargetVisibilityAdminMixin

from . import schedules
from .models import CoordinationMatter, CoordinationParty, ScheduleEntry


class CoordinationPartyInline(admin.TabularInline):
    model = CoordinationParty
    fields = ["department", "role", "response", "reason", "responded_by", "responded_at"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("department", "responded_by")


@admin.register(CoordinationMatter)
class CoordinationMatterAdmin(TargetVisibilityAdminMixin, ReadOnlyAdmin):
    list_display = ["title", "status", "classification", "raised_by", "respond_by", "referred_to", "created_at"]
    list_filter = ["status", "classification"]
    list_select_related = ["raised_by", "referred_to"]
    search_fields = ["title", "description"]
    date_hierarchy = "created_at"
    inlines = [CoordinationPartyInline]


@admin.register(ScheduleEntry)
class ScheduleEntryAdmin(HiddenIsNotFoundMixin, ReadOnlyAdmin):
    list_display = ["title", "leader", "kind", "start", "end", "privacy", "cancelled"]
    list_filter = ["kind", "privacy", "cancelled"]
    list_select_related = ["leader"]
    search_fields = ["title", "place"]
    date_hierarchy = "start"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(schedules.details_visibility(request.user))


from . import bulletin_admin, feedback_admin  # noqa: E402, F401
