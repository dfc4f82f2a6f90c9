"""Admin of leader bulletins: for looking things up, read-only (every change goes through the
services, which keep the ledger exact and write the audit log). Administrators administer people and
settings, not content: the page lists and opens only the bulletins the administrator may see by the
rule registered with ``workload.targets``; anything else is 404."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from workload.admin import TargetVisibilityAdminMixin

from .bulletin_models import Bulletin, BulletinRecipient, BulletinReply


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BulletinRecipientInline(_ReadOnly, admin.TabularInline):
    model = BulletinRecipient
    fields = ["leader", "read_at"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("leader")


class BulletinReplyInline(_ReadOnly, admin.TabularInline):
    model = BulletinReply
    fields = ["author", "text", "created_at"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("author")


@admin.register(Bulletin)
class BulletinAdmin(TargetVisibilityAdminMixin, _ReadOnly, admin.ModelAdmin):
    list_display = ["title", "kind", "classification", "author", "created_at"]
    list_filter = ["kind", "classification"]
    list_select_related = ["author"]
    search_fields = ["title", "body", "author__name"]
    date_hierarchy = "created_at"
    inlines = [BulletinRecipientInline, BulletinReplyInline]
