"""Admin of the ledger: oversight of work items. Items are opened and closed by the domain services."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from notifications.admin import ReadOnlyAdmin

from .models import ReminderPolicy, ScheduledReminder, Urge, WorkItem, WorkItemKind
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


POLICY_RULE = _(
    "The most specific policy applies to a work item: the one for its kind and urgency, else the one "
    "for its kind (any urgency), else the one for its urgency (any kind), else the default (any kind, "
    "any urgency). Hours and days count working time on the holiday calendar."
)


class ReminderPolicyForm(forms.ModelForm):
    # The model keeps the kind as free text (blank: every kind); here it is chosen from the list.
    kind = forms.ChoiceField(
        label=_("work item kind"),
        choices=[("", _("Every kind")), *WorkItemKind.choices],
        required=False,
        help_text=_("Blank: every kind."),
    )

    class Meta:
        model = ReminderPolicy
        fields = [
            "kind",
            "urgency",
            "remind_before_hours",
            "remind_at_due",
            "remind_daily_overdue",
            "escalate_to_head_after_days",
            "escalate_to_office_after_days",
        ]


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    form = ReminderPolicyForm
    list_display = [
        "kind_display",
        "urgency_display",
        "remind_before_hours",
        "remind_at_due",
        "remind_daily_overdue",
        "escalate_to_head_after_days",
        "escalate_to_office_after_days",
    ]
    list_display_links = ["kind_display", "urgency_display"]
    list_filter = ["urgency", "kind"]
    ordering = ["kind", "urgency"]
    fieldsets = [
        (_("Applies to"), {"fields": ["kind", "urgency"], "description": POLICY_RULE}),
        (_("Reminders"), {"fields": ["remind_before_hours", "remind_at_due", "remind_daily_overdue"]}),
        (_("Escalation"), {"fields": ["escalate_to_head_after_days", "escalate_to_office_after_days"]}),
    ]

    @admin.display(description=_("work item kind"), ordering="kind")
    def kind_display(self, obj: ReminderPolicy) -> str:
        if not obj.kind:
            return str(_("Every kind"))
        return str(WorkItemKind(obj.kind).label) if obj.kind in WorkItemKind.values else obj.kind

    @admin.display(description=_("urgency"), ordering="urgency")
    def urgency_display(self, obj: ReminderPolicy) -> str:
        return str(obj.get_urgency_display()) if obj.urgency else str(_("Every urgency"))

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # The rule is stated above the list, where administrators compare the rows.
        return super().changelist_view(request, {**(extra_context or {}), "subtitle": POLICY_RULE})


@admin.register(Urge)
class UrgeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "work_item", "by", "message"]
    list_filter = ["created_at"]
    search_fields = ["work_item__title", "by__name", "by__username", "message"]
    list_select_related = ["work_item", "by"]
    date_hierarchy = "created_at"
    fields = ["work_item", "by", "created_at", "message"]


@admin.register(ScheduledReminder)
class ScheduledReminderAdmin(ReadOnlyAdmin):
    list_display = ["remind_at", "recipient", "title", "sent_at", "cancelled"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "cancelled", "remind_at"]
    search_fields = ["title", "recipient__name", "recipient__username"]
    list_select_related = ["recipient"]
    date_hierarchy = "remind_at"
    fields = ["recipient", ("target_type", "target_id"), "remind_at", "title", "body", "key", "sent_at", "cancelled"]
