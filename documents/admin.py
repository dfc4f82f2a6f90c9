"""Admin of documents: for looking things up, read-only. Every change goes through the services
(the pages and the API), which keep the ledger exact, number documents without gaps and write the
audit log. Administrators administer people and settings, not content: each page lists and opens only
what the administrator may see by the documents' own rules (``workload.targets``); anything else is 404.
The number counters are settings an administrator may need to read (which number comes next)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ReadOnlyAdmin
from workload.admin import TargetVisibilityAdminMixin

from .models import (
    ApprovalStep,
    CommentRound,
    Distribution,
    Document,
    DocumentVersion,
    IncomingDocument,
    NumberCounter,
    Reading,
    ReadingPacket,
    RegistryCounter,
)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VersionInline(_ReadOnlyInline):
    model = DocumentVersion
    fields = ["number", "title", "author", "summary", "created_at"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("author")


class StepInline(_ReadOnlyInline):
    model = ApprovalStep
    fields = ["cycle", "order", "kind", "status"]


class RoundInline(_ReadOnlyInline):
    model = CommentRound
    fields = ["number", "version", "status", "due_at", "created_by"]


class DistributionInline(_ReadOnlyInline):
    model = Distribution
    fields = ["department", "kind", "recipient", "status", "received_at"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("department", "recipient")


@admin.register(Document)
class DocumentAdmin(TargetVisibilityAdminMixin, ReadOnlyAdmin):
    list_display = ["title", "number", "doc_type", "status", "classification", "drafter", "department", "updated_at"]
    list_filter = ["status", "doc_type", "classification", "urgency"]
    list_select_related = ["drafter", "department"]
    search_fields = ["title", "number"]
    date_hierarchy = "created_at"
    inlines = [VersionInline, RoundInline, StepInline, DistributionInline]


@admin.register(IncomingDocument)
class IncomingDocumentAdmin(TargetVisibilityAdminMixin, ReadOnlyAdmin):
    list_display = ["serial", "title", "sender_org", "received_on", "status", "classification", "urgency"]
    list_filter = ["status", "classification", "urgency"]
    search_fields = ["serial", "title", "sender_org", "sender_number"]
    date_hierarchy = "received_on"


@admin.register(Reading)
class ReadingAdmin(TargetVisibilityAdminMixin, ReadOnlyAdmin):
    list_display = ["incoming", "reader", "status", "read_at"]
    list_filter = ["status"]
    list_select_related = ["incoming", "reader"]


@admin.register(ReadingPacket)
class ReadingPacketAdmin(TargetVisibilityAdminMixin, ReadOnlyAdmin):
    list_display = ["title", "leader", "compiled_by", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["leader", "compiled_by"]


@admin.register(NumberCounter)
class NumberCounterAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "year", "last"]
    list_filter = ["year"]


@admin.register(RegistryCounter)
class RegistryCounterAdmin(ReadOnlyAdmin):
    list_display = ["year", "last"]
