"""API shapes of relations (API.md, Relations): coordination matters."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Department
from accounts.serializers import DepartmentRefSerializer, PersonRefSerializer
from core.api import StrictSerializer
from core.enums import Classification
from core.validators import single_line

from .models import CoordinationMatter, CoordinationParty, CoordinationStatus, PartyResponse, PartyRole

_MAX_ID = 2**63 - 1


def department_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    """A department named by id in a request body: an active one."""
    return serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True),
        pk_field=serializers.IntegerField(min_value=1, max_value=_MAX_ID),
        **kwargs,
    )


class BoundedDateField(serializers.DateField):
    """A date in years 1900–9998 (working-day arithmetic overflows at the calendar's ends)."""

    default_error_messages = {"out_of_range": _("Choose a date between the years 1900 and 9998.")}

    def to_internal_value(self, value: Any) -> Any:
        result = super().to_internal_value(value)
        if not 1900 <= result.year <= 9998:
            self.fail("out_of_range")
        return result


class CoordinationCreateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, validators=[single_line])
    description = serializers.CharField(required=False, default="", allow_blank=True, max_length=20000)
    lead_department = department_field(help_text=_("The lead department (牵头), by id."))
    cooperating_departments = serializers.ListField(
        child=department_field(), min_length=1, max_length=50, help_text=_("Cooperating departments (配合), by id.")
    )
    respond_by = BoundedDateField(help_text=_("The day by which each department's head answers."))
    classification = serializers.ChoiceField(
        choices=Classification.choices, required=False, default=Classification.INTERNAL
    )


class CoordinationRespondSerializer(StrictSerializer):
    department = department_field(help_text=_("The department answered for (its head, or delegate)."))
    accept = serializers.BooleanField()
    reason = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=20000, help_text=_("Required to decline.")
    )


class CoordinationArbitrateSerializer(StrictSerializer):
    lead_department = department_field()
    cooperating_departments = serializers.ListField(child=department_field(), min_length=1, max_length=50)
    ruling = serializers.CharField(max_length=20000, help_text=_("The written ruling."))


class CoordinationDisputeSerializer(StrictSerializer):
    department = department_field(help_text=_("The department that accepted and now disputes (its head, or delegate)."))
    reason = serializers.CharField(max_length=20000, help_text=_("Why the department disputes the matter."))


class CoordinationEscalateSerializer(StrictSerializer):
    leader = serializers.IntegerField(min_value=1, max_value=_MAX_ID, help_text=_("The leader who is to rule, by id."))
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=20000)


class CoordinationMeetingSerializer(StrictSerializer):
    meeting = serializers.IntegerField(min_value=1, max_value=_MAX_ID, help_text=_("The coordination meeting's id."))


class PartySerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    role = serializers.ChoiceField(choices=PartyRole.choices, read_only=True)
    response = serializers.ChoiceField(choices=PartyResponse.choices, read_only=True)
    responded_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CoordinationParty
        fields = ["department", "role", "response", "reason", "responded_by", "responded_at"]


class CoordinationSerializer(serializers.ModelSerializer):
    raised_by = PersonRefSerializer(read_only=True)
    status = serializers.ChoiceField(choices=CoordinationStatus.choices, read_only=True)
    parties = PartySerializer(many=True, read_only=True)

    class Meta:
        model = CoordinationMatter
        fields = ["id", "title", "status", "classification", "respond_by", "raised_by", "parties", "created_at"]


class CoordinationDetailSerializer(CoordinationSerializer):
    ruled_by = PersonRefSerializer(read_only=True, allow_null=True)
    referred_to = PersonRefSerializer(read_only=True, allow_null=True)
    matter = serializers.IntegerField(source="matter_id", read_only=True, allow_null=True)
    meeting = serializers.IntegerField(source="meeting_id", read_only=True, allow_null=True)

    class Meta(CoordinationSerializer.Meta):
        fields = [
            *CoordinationSerializer.Meta.fields,
            "description",
            "ruling",
            "ruled_by",
            "ruled_at",
            "referred_to",
            "referral_note",
            "referred_at",
            "matter",
            "meeting",
            "settled_at",
        ]
