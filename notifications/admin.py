"""Admin of notifications: read-only, for answering "was I told, and was the e-mail sent?"."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import EmailDelivery, Notification, NotificationPreference


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
        ("subject_type", "subject_id"),
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
        "subject_type",
        "subject_id",
        "key",
        "created_at",
        "read_at",
    ]


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
