"""API shapes of the work-item ledger (API.md, Work items)."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import PersonRefSerializer
from core.api import TargetSerializer

from .models import WorkItem, WorkItemKind, WorkItemStatus
from .selectors import SCOPES
from .targets import target_ref


class WorkItemSerializer(serializers.ModelSerializer):
    """One ledger row. ``target`` and ``overdue`` come from the row itself: no query per item."""

    target = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField(help_text=_("Open and past its due time."))
    assignee = PersonRefSerializer(read_only=True)
    assigned_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = WorkItem
        fields = [
            "id", "kind", "title", "target", "due_at", "overdue", "priority", "urgency", "status",
            "assignee", "assigned_by", "escalation_level", "created_at", "completed_at", "outcome",
        ]  # fmt: skip
        read_only_fields = fields

    def _now(self) -> datetime:
        # One "now" for the whole page, so that every row is judged against the same moment.
        if "now" not in self.context:
            self.context["now"] = timezone.now()
        return self.context["now"]

    @extend_schema_field(TargetSerializer)
    def get_target(self, item: WorkItem) -> dict[str, Any]:
        return target_ref(item.target_type_id, item.target_id)

    def get_overdue(self, item: WorkItem) -> bool:
        return item.status == WorkItemStatus.OPEN and item.due_at is not None and item.due_at < self._now()


class WorkItemFilterSerializer(serializers.Serializer):
    """Query parameters of the work-item list."""

    status = serializers.ChoiceField(choices=WorkItemStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=WorkItemKind.choices, required=False)
    scope = serializers.ChoiceField(
        choices=[(s, s) for s in SCOPES],
        default="mine",
        help_text=_("mine: your own items (default); assigned: items you assigned to others (我交办的)."),
    )
