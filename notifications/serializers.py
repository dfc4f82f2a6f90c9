"""API shapes of notifications (API.md, Notifications)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import PersonRefSerializer
from core.api import TargetSerializer

from .models import Notification
from .presentation import target_of


class NotificationSerializer(serializers.ModelSerializer):
    """A notification in the reader's language. About something the reader may not see, it says only
    that it exists: the title names its classification ("您有一件秘密级待办"), the body is empty and the
    target null."""

    # The view calls ``notifications.presentation.present`` on the rows first (rendering and masking).

    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    actor = PersonRefSerializer(read_only=True, allow_null=True, help_text=_("Who caused it; null for the system."))

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "target", "created_at", "read_at", "actor"]
        read_only_fields = fields

    def get_title(self, notification: Notification) -> str:
        return notification.shown_title

    def get_body(self, notification: Notification) -> str:
        return notification.shown_body

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_target(self, notification: Notification) -> dict[str, Any] | None:
        if notification.masked:
            return None
        return target_of(notification)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True, help_text=_("How many notifications were marked read."))
