"""API shapes of the free-slot finder (``POST /api/v1/meetings/free-slots/``, API.md)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from affairs.serializers import BoundedDateTimeField
from core.api import StrictSerializer

from .slots import MAX_ATTENDEES

_MAX_ID = 2**63 - 1


class FreeSlotsInputSerializer(StrictSerializer):
    """People by id (the finder checks they exist and are active, in one query)."""

    attendees = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=_MAX_ID), min_length=1, max_length=MAX_ATTENDEES
    )
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    window_start = BoundedDateTimeField()
    window_end = BoundedDateTimeField()
    min_capacity = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)


class FreeSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    rooms = serializers.ListField(child=serializers.IntegerField(), help_text=_("Free rooms that fit, smallest first."))


class FreeSlotsSerializer(serializers.Serializer):
    slots = FreeSlotSerializer(many=True)
