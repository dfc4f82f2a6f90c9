"""API shapes of notifications (API.md, Notifications)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import PersonRefSerializer
from core.api import StrictSerializer, TargetSerializer
from workload.targets import target_ref

from .models import Notification, Urge


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


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True, help_text=_("How many notifications were marked read."))


class UrgeRequestSerializer(StrictSerializer):
    message = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class UrgeSerializer(serializers.ModelSerializer):
    by = PersonRefSerializer(read_only=True)

    class Meta:
        model = Urge
        fields = ["id", "work_item", "by", "message", "created_at"]
        read_only_fields = fields
