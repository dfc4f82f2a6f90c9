"""Admin of the ledger: oversight of work items, within what the administrator may see.

Administrators administer people and settings, not content: an item is listed and opened only when
its target is visible to the administrator by the target type's rule (``workload.targets``); any
other is 404. The two edits offered go through the services: passing an item on (workitem_reassign)
and moving its deadline (workitem_set_due), both rescheduling reminders and audited.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from . import targets
from .models import WorkItem, WorkItemStatus
from .services import workitem_reassign, workitem_set_due


class TargetVisibilityAdminMixin:
    """Admin pages of a content model list and open only what the administrator may see, by the
    rule its app registered with ``workload.targets``; anything else is 404, never a redirect."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return qs.filter(pk__in=targets.visible_queryset(request.user, qs.model).values("pk"))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404
        return obj


class WorkItemAdminForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=200,
        help_text=_("Recorded in the audit log with the change."),
    )

    class Meta:
        model = WorkItem
        fields = ["assignee", "due_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk and self.instance.status != WorkItemStatus.OPEN and self.changed_data:
            raise forms.ValidationError(_("A closed work item cannot be changed."))
        if {"assignee", "due_at"} & set(self.changed_data) and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the item is changed."))
        return data


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    form = WorkItemAdminForm
    list_display = ["title", "assignee", "kind", "status", "urgency", "priority", "due_at", "department"]
    list_filter = ["status", "kind", "urgency", "priority", "escalation_level", "department"]
    search_fields = ["title", "assignee__name", "assignee__username", "assignee__name_initials"]
    list_select_related = ["assignee", "department"]
    date_hierarchy = "due_at"
    raw_id_fields = ["assignee"]
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
        ("escalation_level", "next_reminder_at"),
        "reason",
    ]
    # What the item is, what it points at, who asked, and how it was settled follow its target and
    # its history; only who holds it and by when are edited here, through the services.
    readonly_fields = [
        "title",
        "kind",
        "department",
        "assigned_by",
        "target_type",
        "target_id",
        "priority",
        "urgency",
        "classification",
        "created_at",
        "status",
        "completed_at",
        "outcome",
        "escalation_level",
        "next_reminder_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkItem]:
        # Only items whose target the administrator may see (their own included only on that rule).
        return super().get_queryset(request).filter(targets.visible_condition(request.user))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Items exist because a domain object asks someone to act; an item typed in here would
        # point at nothing and bypass the notification and the audit log.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The ledger is the record of who was asked to do what; withdraw work through its domain.
        return False

    def save_model(self, request: HttpRequest, obj: WorkItem, form: Any, change: bool) -> None:
        """Each change through its service (which saves, reschedules reminders and audits); the
        admin's own save of the whole row would overwrite what the services just wrote."""
        original = WorkItem.objects.get(pk=obj.pk)
        reason = form.cleaned_data.get("reason", "").strip()
        try:
            with transaction.atomic():  # both changes or neither
                if "assignee" in form.changed_data:
                    workitem_reassign(item=original, to=obj.assignee, actor=request.user, reason=reason)
                if "due_at" in form.changed_data:
                    workitem_set_due(item=original, due_at=obj.due_at, actor=request.user, reason=reason)
        except DomainError as error:
            self.message_user(request, error.message, level=messages.ERROR)
        obj.refresh_from_db()
