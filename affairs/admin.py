"""Admin of affairs: for looking things up. It is read-only because every change must go through the
services, which keep the work-item ledger exact and write the audit log (the pages do that).

Administrators administer people and settings, not content: each page lists and opens only what the
administrator may see by the rule the app registered (``workload.targets``); anything else is 404."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from workload.admin import TargetVisibilityAdminMixin

from .models import Arrangement, Matter, MatterAssistant, MatterEvent, Reception, Visitor, WorkPlan, WorkPlanItem


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MatterAssistantInline(ReadOnlyMixin, admin.TabularInline):
    model = MatterAssistant
    fields = ["user", "added_at"]
    extra = 0


class MatterEventInline(ReadOnlyMixin, admin.TabularInline):
    model = MatterEvent
    fields = ["created_at", "kind", "actor", "from_user", "to_user", "percent", "text"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("actor", "from_user", "to_user")


@admin.register(Matter)
class MatterAdmin(TargetVisibilityAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "priority",
        "lead",
        "department",
        "assigner",
        "due_on",
        "percent",
        "transfer_count",
    ]
    list_filter = ["status", "priority", "source", "classification", "department"]
    list_select_related = ["lead", "department", "assigner"]
    search_fields = ["title", "description", "lead__name", "assigner__name"]
    date_hierarchy = "created_at"
    inlines = [MatterAssistantInline, MatterEventInline]


class VisitorInline(ReadOnlyMixin, admin.TabularInline):
    model = Visitor
    fields = ["order", "name", "title"]
    extra = 0


class ArrangementInline(ReadOnlyMixin, admin.TabularInline):
    model = Arrangement
    fields = ["kind", "owner", "description", "status", "note"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("owner")


@admin.register(Reception)
class ReceptionAdmin(TargetVisibilityAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["visiting_org", "arrival", "departure", "status", "host_leader", "visitor_count", "created_by"]
    list_filter = ["status", "arrival"]
    list_select_related = ["host_leader", "created_by"]
    search_fields = ["visiting_org", "purpose"]
    date_hierarchy = "arrival"
    inlines = [VisitorInline, ArrangementInline]


class WorkPlanItemInline(ReadOnlyMixin, admin.TabularInline):
    model = WorkPlanItem
    fields = ["order", "title", "priority", "owner", "due_on", "matter"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("owner", "matter")


@admin.register(WorkPlan)
class WorkPlanAdmin(TargetVisibilityAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "period", "period_start", "department", "created_by"]
    list_filter = ["kind", "period", "department"]
    list_select_related = ["department", "created_by"]
    search_fields = ["title", "description"]
    date_hierarchy = "period_start"
    inlines = [WorkPlanItemInline]
