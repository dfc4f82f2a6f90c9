"""API shapes of meetings (API.md, Meetings): rooms, meetings with attendees, clash reports."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.serializers import DepartmentRefSerializer, PersonRefSerializer
from affairs.serializers import BoundedDateTimeField, person_field
from core.api import StrictSerializer
from core.enums import Classification
from core.validators import single_line

from .clashes import ClashKind, Invitee
from .models import Attendee, AttendeeRole, Meeting, MeetingKind, Room, SeriesFrequency
from .recurrence import MAX_OCCURRENCES, SCOPES

_MAX_ID = 2**63 - 1
_NAIVE = _("ISO 8601, best with an offset (+08:00); a time without one is read as TIME_ZONE's (Beijing time).")


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "location", "capacity", "equipment", "active", "allow_overlap", "setup_buffer_minutes"]
        read_only_fields = fields


class RoomCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100, validators=[single_line])
    capacity = serializers.IntegerField(min_value=1, max_value=100000)
    location = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    equipment = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    allow_overlap = serializers.BooleanField(required=False, default=False)
    setup_buffer_minutes = serializers.IntegerField(min_value=0, max_value=240, required=False, default=0)


class AttendeeInputSerializer(StrictSerializer):
    user = person_field()
    role = serializers.ChoiceField(choices=AttendeeRole.choices, required=False, default=AttendeeRole.REQUIRED)


class RecurrenceSerializer(StrictSerializer):
    """``meetings.recurrence``: occurrences on working days only, ``count`` meetings in all."""

    freq = serializers.ChoiceField(choices=SeriesFrequency.choices)
    count = serializers.IntegerField(min_value=2, max_value=MAX_OCCURRENCES)


class MeetingInputSerializer(StrictSerializer):
    """The body of create, check and (every field optional) PATCH."""

    title = serializers.CharField(max_length=200, validators=[single_line])
    kind = serializers.ChoiceField(choices=MeetingKind.choices, required=False, default=MeetingKind.REGULAR)
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        pk_field=serializers.IntegerField(min_value=1, max_value=_MAX_ID),
    )
    location = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    # A time without an offset is Beijing time (TIME_ZONE), whoever asks: accepted on purpose.
    start = BoundedDateTimeField(default_timezone=timezone.get_default_timezone(), help_text=_NAIVE)
    end = BoundedDateTimeField(default_timezone=timezone.get_default_timezone(), help_text=_NAIVE)
    attendees = AttendeeInputSerializer(many=True, required=False, default=list, max_length=500)
    private = serializers.BooleanField(required=False, default=False)
    classification = serializers.ChoiceField(
        choices=Classification.choices, required=False, default=Classification.INTERNAL
    )
    description = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)
    override_reason = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)
    recurrence = RecurrenceSerializer(required=False, help_text=_("A recurring meeting: one meeting per occurrence."))

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "attendees" in data:
            data["attendees"] = [Invitee(user=a["user"], role=a["role"]) for a in data["attendees"]]
        return data


class MeetingPatchSerializer(MeetingInputSerializer):
    """PATCH: only the fields given change (``partial=True``; no defaults apply). ``scope``: this
    occurrence of a series only (the default) or it and all following."""

    scope = serializers.ChoiceField(choices=SCOPES, required=False)

    def validate_recurrence(self, value: Any) -> Any:
        raise serializers.ValidationError(_("A meeting's recurrence cannot be changed; cancel and schedule anew."))


class AttendeeSerializer(serializers.ModelSerializer):
    user = PersonRefSerializer(read_only=True)
    delegate = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Attendee
        fields = ["user", "role", "response", "delegate", "responded_at"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    organizer = PersonRefSerializer(read_only=True)
    room_name = serializers.CharField(source="room.name", read_only=True, allow_null=True, default=None)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            *("id", "title", "kind", "status", "organizer", "room", "room_name", "location", "start", "end"),
            *("private", "classification", "sequence", "series", "url"),
        ]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    attendees = AttendeeSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            *("department", "description", "override_reason", "attendees", "created_at", "updated_at"),
        ]
        read_only_fields = fields


class ConflictSerializer(serializers.Serializer):
    """One clash: ``meeting``, ``title`` and ``organizer`` are null when you may not see that meeting."""

    kind = serializers.ChoiceField(choices=ClashKind.choices)
    meeting = serializers.IntegerField(allow_null=True)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    user = serializers.IntegerField(required=False)
    date = serializers.DateField(required=False, help_text=_("The occurrence's date, for a recurring meeting."))
    title = serializers.CharField(allow_null=True)
    organizer = serializers.CharField(allow_null=True)


class CheckResultSerializer(serializers.Serializer):
    conflicts = ConflictSerializer(many=True)


class ClashErrorSerializer(serializers.Serializer):
    """409: the clashes that refused the booking."""

    detail = serializers.CharField()
    code = serializers.CharField()
    conflicts = ConflictSerializer(many=True)


class CancelSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    scope = serializers.ChoiceField(choices=SCOPES, required=False, default="one")
