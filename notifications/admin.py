"""Admin of notifications: reminder policies are edited here; the rest is read-only, for answering
"was I told, and was the e-mail sent?"."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from workload.models import WorkItemKind

from .models import EmailDelivery, Notification, NotificationPreference, ReminderPolicy, ScheduledReminder, Urge


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the system: administrators look, nobody types them in or edits them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["title", "recipient__name", "recipient__username"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    fields = [
        "recipient",
        "kind",
        "title",
        "body",
        "actor",
        ("target_type", "target_id"),
        "work_item",
        "key",
        "created_at",
        "read_at",
    ]
    readonly_fields = [
        "recipient",
        "kind",
        "title",
        "body",
        "actor",
        "target_type",
        "target_id",
        "work_item",
        "key",
        "created_at",
        "read_at",
    ]


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


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    """People choose for themselves on their profile page (the change is audited there)."""

    list_display = ["user", "email_mode", "digest_hour"]
    list_filter = ["email_mode", "digest_hour"]
    search_fields = ["user__name", "user__username"]
    list_select_related = ["user"]


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "notification", "mode", "status", "attempts", "sent_at"]
    list_filter = ["status", "mode", "created_at"]
    search_fields = ["recipient__name", "recipient__username", "notification__title"]
    list_select_related = ["recipient", "notification"]
    date_hierarchy = "created_at"
    fields = [
        "notification",
        "recipient",
        ("mode", "status", "attempts"),
        ("created_at", "claimed_at", "sent_at"),
        "last_error",
    ]


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
