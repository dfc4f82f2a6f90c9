"""Admin of public feedback (群众意见): for looking things up, read-only (every change goes through
the services, which keep the ledger exact and write the audit log). Administrators administer people
and settings, not content: the page lists and opens only the feedback the administrator may see by
the rule registered with ``workload.targets`` (``feedback.feedback_visibility``); anything else is
404. The submitter's personal fields show only to whom the pages show them (``shows_submitter``: the
office and the handler), and are not searched."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ReadOnlyAdmin
from workload.admin import TargetVisibilityAdminMixin

from . import feedback
from .feedback_models import Feedback

PERSONAL = ("submitter_name", "submitter_phone", "submitter_address")
FIELDS = [
    "number",
    "channel",
    "anonymous",
    *PERSONAL,
    "subject",
    "content",
    "category",
    "received_on",
    "registered_by",
    "status",
    "department",
    "handler",
    "acknowledge_by",
    "due_on",
    "routed_at",
    "reply",
    "replied_by",
    "replied_at",
    "satisfaction",
    "closing_note",
    "closed_at",
    "created_at",
]


@admin.register(Feedback)
class FeedbackAdmin(TargetVisibilityAdminMixin, ReadOnlyAdmin):
    list_display = ["number", "subject", "channel", "category", "status", "department", "due_on", "satisfaction"]
    list_filter = ["status", "channel", "category", "satisfaction"]
    list_select_related = ["department"]
    search_fields = ["number", "subject"]
    date_hierarchy = "received_on"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("work_item")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and feedback.shows_submitter(request.user, obj) and not obj.anonymous:
            return FIELDS
        return [name for name in FIELDS if name not in PERSONAL]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)
