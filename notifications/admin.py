"""Admin of notifications: read-only, for answering "was I told?"."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
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
        "key",
        "created_at",
        "read_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
