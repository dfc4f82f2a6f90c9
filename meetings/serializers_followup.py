"""API shapes of a meeting's follow-up (API.md, Meetings): replies, agenda items, minutes,
decisions, positions."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Department
from accounts.serializers import DepartmentRefSerializer, PersonRefSerializer
from affairs.serializers import BoundedDateField, person_field
from core.api import StrictSerializer
from core.attachments import MAX_FILES_PER_REQUEST
from core.enums import Priority
from core.validators import single_line

from .models import AgendaItem, Attendee, Decision, Minutes, Position
from .services_followup import MAX_AGENDA_MINUTES, MAX_DECISION, MAX_TEXT, RESPONSES

_MAX_ID = 2**63 - 1


class MeetingRespondSerializer(StrictSerializer):
    response = serializers.ChoiceField(choices=list(RESPONSES), help_text=_("accept, decline or delegate."))
    delegate = person_field(
        required=False, allow_null=True, default=None, help_text=_("With delegate: the colleague who attends.")
    )


class AttendanceSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    user = PersonRefSerializer(read_only=True)
    delegate = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Attendee
        fields = ["meeting", "user", "role", "response", "delegate", "responded_at"]
        read_only_fields = fields


class MaterialSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    size = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, obj: Any) -> str:
        return reverse("meetings:agenda_material", args=[obj.pk])


class AgendaItemSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    proposed_by = PersonRefSerializer(read_only=True)
    presenter = PersonRefSerializer(read_only=True)
    materials = MaterialSerializer(many=True, read_only=True, default=list)

    class Meta:
        model = AgendaItem
        fields = [
            *("id", "meeting", "title", "description", "department", "proposed_by", "presenter"),
            *("duration_minutes", "status", "order", "decline_reason", "decided_at", "published_at", "materials"),
        ]
        read_only_fields = fields


class AgendaItemInputSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, validators=[single_line])
    presenter = person_field()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=MAX_AGENDA_MINUTES)
    description = serializers.CharField(max_length=MAX_TEXT, required=False, default="", allow_blank=True)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=MAX_FILES_PER_REQUEST,
        help_text=_("Materials (multipart/form-data only)."),
    )  # fmt: skip


class AgendaDecideSerializer(StrictSerializer):
    accept = serializers.BooleanField(help_text=_("true: onto the agenda; false: declined (give a reason)."))
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class AgendaMoveSerializer(StrictSerializer):
    position = serializers.IntegerField(
        min_value=1, help_text=_("The item's new place among the accepted agenda items (1: first).")
    )


class AgendaPublishedSerializer(serializers.Serializer):
    items = serializers.IntegerField()


class MinutesInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=MAX_TEXT, allow_blank=True)
    publish = serializers.BooleanField(
        required=False, default=False, help_text=_("true: also publish the text to the attendees.")
    )


class MinutesSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    document = serializers.IntegerField(source="document_id", read_only=True, allow_null=True)

    class Meta:
        model = Minutes
        fields = ["meeting", "text", "published_text", "published_at", "resolution", "document", "updated_at"]
        read_only_fields = fields


class PublishedMinutesSerializer(MinutesSerializer):
    """What a reader who does not manage the meeting sees: the published text, not the draft."""

    class Meta(MinutesSerializer.Meta):
        fields = ["meeting", "published_text", "published_at", "resolution", "document"]
        read_only_fields = fields


class MinutesIssuedSerializer(serializers.Serializer):
    document = serializers.IntegerField()


class DecisionInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=MAX_DECISION)
    lead = person_field(help_text=_("The lead owner (主办), a person's id."))
    assisting = serializers.ListField(
        child=person_field(), required=False, default=list, max_length=50, help_text=_("Assisting owners (协办).")
    )
    due_on = BoundedDateField(help_text=_("The deadline of the matter that follows the decision."))
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, default=Priority.ROUTINE)


class DecisionCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    matter = serializers.IntegerField(source="matter_id")


class DecisionSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    matter = serializers.IntegerField(source="matter_id", read_only=True, allow_null=True)
    lead = PersonRefSerializer(source="matter.lead", read_only=True, allow_null=True, default=None)
    due_on = serializers.DateField(source="matter.due_on", read_only=True, allow_null=True, default=None)
    status = serializers.CharField(source="matter.status", read_only=True, allow_null=True, default=None)
    percent = serializers.IntegerField(source="matter.percent", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Decision
        fields = ["id", "meeting", "text", "matter", "lead", "due_on", "status", "percent", "recorded_at"]
        read_only_fields = fields


class PositionInputSerializer(StrictSerializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True),
        pk_field=serializers.IntegerField(min_value=1, max_value=_MAX_ID),
    )
    text = serializers.CharField(max_length=MAX_TEXT)


class PositionSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)

    class Meta:
        model = Position
        fields = ["id", "department", "text", "recorded_at"]
        read_only_fields = fields


class ResolutionInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=MAX_TEXT)
