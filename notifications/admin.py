"""Admin of notifications: read-only, for answering "was I told, and was the e-mail sent?"."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from . import services
from .models import (
    EmailDelivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    RobotDelivery,
    RobotRoute,
    RobotWebhook,
)
from .presentation import present


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
        "subject_type",
        "subject_id",
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
