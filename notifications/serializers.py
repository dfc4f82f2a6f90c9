"""API shapes of notifications (API.md, Notifications)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import PersonRefSerializer
from core.api import TargetSerializer

from .links import target_ref
from .models import Notification, NotificationKind


class NotificationSerializer(serializers.ModelSerializer):
    target = serializers.SerializerMethodField()
    actor = PersonRefSerializer(read_only=True, allow_null=True, help_text=_("Who caused it; null for the system."))

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "target", "created_at", "read_at", "actor"]
        read_only_fields = fields

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_target(self, notification: Notification) -> dict[str, Any] | None:
        if notification.target_type_id is None or notification.target_id is None:
            return None
        return target_ref(notification.target_type_id, notification.target_id)


class NotificationFilterSerializer(serializers.Serializer):
    """Query parameters of the notification list."""

    unread = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("1: unread only; 0: read only.")
    )
    kind = serializers.ChoiceField(choices=NotificationKind.choices, required=False)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True, help_text=_("How many notifications were marked read."))
