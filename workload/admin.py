"""Admin of the ledger: oversight of work items. Items are opened and closed by the domain services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import WorkItem
from .services import workitem_reassign


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    list_display = ["title", "assignee", "kind", "status", "urgency", "priority", "due_at", "department"]
    list_filter = ["status", "kind", "urgency", "priority", "escalation_level", "department"]
    search_fields = ["title", "assignee__name", "assignee__username", "assignee__name_initials"]
    list_select_related = ["assignee", "department"]
    date_hierarchy = "due_at"
    raw_id_fields = ["assignee", "assigned_by"]
    fields = [
        "title",
        "kind",
        "assignee",
        "department",
        "assigned_by",
        ("target_type", "target_id"),
        ("priority", "urgency", "classification"),
        ("created_at", "due_at"),
        ("status", "completed_at", "outcome"),
        "escalation_level",
    ]
    # What the item points at, who asked, and how it was settled are history, not settings.
    readonly_fields = [
        "kind",
        "department",
        "assigned_by",
        "target_type",
        "target_id",
        "created_at",
        "status",
        "completed_at",
        "outcome",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Items exist because a domain object asks someone to act; an item typed in here would
        # point at nothing and bypass the notification and the audit log.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The ledger is the record of who was asked to do what; withdraw work through its domain.
        return False

    def save_model(self, request: HttpRequest, obj: WorkItem, form: Any, change: bool) -> None:
        if change and "assignee" in form.changed_data:
            # Passing an item on (转办) goes through the service: department, notifications, audit.
            new_assignee = obj.assignee
            original = WorkItem.objects.get(pk=obj.pk)
            workitem_reassign(item=original, to=new_assignee, actor=request.user, reason="admin")
            obj.department_id, obj.escalation_level = new_assignee.department_id, 0
        super().save_model(request, obj, form, change)
