"""Admin of notifications: reminder policies are edited here; the rest is read-only, for answering
"was I told, and was the e-mail sent?"."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from workload.models import WorkItemKind

from . import services
from .models import (
    EmailDelivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    ReminderPolicy,
    RobotDelivery,
    RobotRoute,
    RobotWebhook,
    ScheduledReminder,
    Urge,
)
from .presentation import present


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the system: administrators look, nobody types them in or edits them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PresentedChangeList(ChangeList):
    """The page of notifications, rendered for the administrator reading it: one visibility
    question for the page, content masked where the administrator may not see the target."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        self.result_list = list(self.result_list)
        present(self.result_list, reader=request.user)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Administrators administer people and settings, not content: what a notification says is
    shown only where the administrator may see its target (else "一件秘密级待办")."""

    list_display = ["created_at", "recipient", "kind", "shown_title", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), "created_at"]
    # Not by title: a search would tell an administrator what hidden notifications say.
    search_fields = ["recipient__name", "recipient__username"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    fields = [
        "recipient",
        "kind",
        "classification",
        "shown_title",
        "shown_body",
        "actor",
        "shown_target",
        "created_at",
        "read_at",
    ]
    readonly_fields = fields

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return PresentedChangeList

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        notification = super().get_object(request, object_id, from_field)
        if notification is not None:
            present([notification], reader=request.user)
        return notification

    @admin.display(description=_("title"))
    def shown_title(self, obj: Notification) -> str:
        return getattr(obj, "shown_title", "")

    @admin.display(description=_("text"))
    def shown_body(self, obj: Notification) -> str:
        return getattr(obj, "shown_body", "")

    @admin.display(description=_("about"))
    def shown_target(self, obj: Notification) -> str:
        if getattr(obj, "masked", True) or obj.target_type_id is None:
            return "-"
        return getattr(obj, "target_url", None) or f"{obj.target_type} #{obj.target_id}"


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
    search_fields = ["recipient__name", "recipient__username"]
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


class RobotWebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("webhook URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = RobotWebhook
        fields = ["name", "platform", "url", "secret", "active", "offered"]
        # Not shown on screen (kept when the form is saved unchanged).
        widgets = {"secret": forms.PasswordInput(render_value=True)}


@admin.register(RobotWebhook)
class RobotWebhookAdmin(admin.ModelAdmin):
    """Group robots (企业微信 / 钉钉 / 飞书): set by administrators; saved through the service (audited)."""

    form = RobotWebhookForm

    list_display = ["name", "platform", "active", "offered"]
    list_filter = ["platform", "active", "offered"]
    search_fields = ["name"]
    fields = ["name", "platform", "url", "secret", "active", "offered"]

    def save_model(self, request: HttpRequest, obj: RobotWebhook, form: Any, change: bool) -> None:
        services.robot_webhook_save(actor=request.user, webhook=obj)


class RobotRouteForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("kinds"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kinds of notification posted."),
    )

    class Meta:
        model = RobotRoute
        fields = ["webhook", "user", "department", "kinds"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("user")) == bool(data.get("department")):
            raise forms.ValidationError(_("Choose either a person or a department."))
        return data


@admin.register(RobotRoute)
class RobotRouteAdmin(admin.ModelAdmin):
    """Who has which kinds of notification posted to which robot."""

    form = RobotRouteForm
    list_display = ["webhook", "user", "department", "kinds"]
    list_filter = ["webhook"]
    search_fields = ["user__name", "user__username", "department__name"]
    list_select_related = ["webhook", "user", "department"]
    autocomplete_fields = ["user"]

    def save_model(self, request: HttpRequest, obj: RobotRoute, form: Any, change: bool) -> None:
        services.robot_route_save(actor=request.user, route=obj)


@admin.register(RobotDelivery)
class RobotDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "webhook", "notification", "status", "attempts", "sent_at"]
    list_filter = ["status", "webhook", "created_at"]
    list_select_related = ["webhook", "notification"]
    date_hierarchy = "created_at"
    fields = [
        "notification",
        "webhook",
        ("status", "attempts"),
        ("created_at", "claimed_at", "next_attempt_at", "sent_at"),
        "last_error",
    ]
