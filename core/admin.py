"""Admin for the kernel: calendar overrides (editable) and the audit log (read-only)."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from .models import AuditEvent, HolidayOverride


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the system: administrators look, nobody types them in or edits them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HiddenIsNotFoundMixin:
    """A change page for a row outside the admin's queryset is 404, never "doesn't exist" with a
    redirect: the rule of visibility answers what one may not see with 404 everywhere."""

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404
        return obj


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]


# Which audit entries an administrator may open. ``core`` knows nothing of content: the ledger
# (``workload.apps``) sets this at start-up from the target types' rules (``workload.targets``), so
# that entries about a matter the administrator may not see (their reasons, notes, messages) stay
# hidden. Without it, only entries about no object are shown (fail closed).
_visible_condition: Callable[[Any], Q] | None = None


def set_audit_visibility(condition: Callable[[Any], Q]) -> None:
    global _visible_condition
    _visible_condition = condition


@admin.register(AuditEvent)
class AuditEventAdmin(HiddenIsNotFoundMixin, ReadOnlyAdmin):
    list_display = ["created_at", "actor", "verb", "target_type", "target_id", "address"]
    list_filter = ["verb", "target_type"]
    search_fields = ["verb", "actor__username", "actor__name"]
    list_select_related = ["actor", "target_type"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        qs = super().get_queryset(request)
        if _visible_condition is None:
            return qs.filter(target_type__isnull=True)
        return qs.filter(_visible_condition(request.user))
