"""API shapes of affairs (API.md, Affairs): matters with their timeline, receptions, work plans."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department, User
from accounts.serializers import DepartmentRefSerializer, PersonRefSerializer
from core.api import StrictSerializer, TargetSerializer
from core.attachments import MAX_FILES_PER_REQUEST
from core.enums import Classification, Priority, Urgency
from core.validators import single_line
from workload.targets import target_ref

from .models import (
    Arrangement,
    ArrangementKind,
    Matter,
    MatterEvent,
    MatterEventKind,
    MatterStatus,
    PlanKind,
    PlanPeriod,
    Reception,
    ReceptionStatus,
    Visitor,
    WorkPlan,
    WorkPlanItem,
)

# The largest value a database integer key holds: a larger "id" is an invalid input, not a crash.
_MAX_ID = 2**63 - 1


def _id_field() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=_MAX_ID)


def person_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    """A person named by id in a request body: an active user (anyone in the phone book)."""
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), pk_field=_id_field(), **kwargs
    )


class BoundedDateField(serializers.DateField):
    """A date in years 1900–9998: days at the very ends of the calendar overflow in working-day
    arithmetic and time-zone conversion, and no office work is dated there."""

    default_error_messages = {"out_of_range": _("Choose a date between the years 1900 and 9998.")}

    def to_internal_value(self, value: Any) -> Any:
        result = super().to_internal_value(value)
        if not 1900 <= result.year <= 9998:
            self.fail("out_of_range")
        return result


class BoundedDateTimeField(serializers.DateTimeField):
    """A date and time in years 1900–9998 (see ``BoundedDateField``)."""

    default_error_messages = {"out_of_range": _("Choose a time between the years 1900 and 9998.")}

    def to_internal_value(self, value: Any) -> Any:
        try:
            result = super().to_internal_value(value)
        except OverflowError:  # DRF's make_aware of a naive time at the calendar's edge
            self.fail("out_of_range")
        if not 1900 <= result.year <= 9998:
            self.fail("out_of_range")
        return result


# --- Matters ----------------------------------------------------------------------------------


class MatterFileSerializer(serializers.Serializer):
    """An attachment of a progress report; ``url`` serves it after the visibility check."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    size = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, attachment: Any) -> str:
        return reverse("api:matter-attachment-detail", args=[attachment.pk])


class MatterProgressSerializer(serializers.ModelSerializer):
    """A progress report (text, percent, files) from the matter's timeline."""

    author = PersonRefSerializer(source="actor", read_only=True, allow_null=True)
    files = MatterFileSerializer(many=True, read_only=True)

    class Meta:
        model = MatterEvent
        fields = ["id", "text", "percent", "author", "created_at", "files"]
        read_only_fields = fields


class MatterEventSerializer(serializers.ModelSerializer):
    """One step of the timeline; ``from`` and ``to`` name the people of a transfer."""

    actor = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = MatterEvent
        fields = ["id", "kind", "actor", "text", "percent", "created_at"]
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # "from" is a Python keyword, so these two cannot be declared as class attributes.
        fields["from"] = PersonRefSerializer(source="from_user", read_only=True, allow_null=True)
        fields["to"] = PersonRefSerializer(source="to_user", read_only=True, allow_null=True)
        return fields


class _NowMixin:
    context: dict[str, Any]

    def _now(self) -> Any:
        # One "now" for the whole response, so every row is judged against the same moment.
        if "now" not in self.context:
            self.context["now"] = timezone.now()
        return self.context["now"]


class MatterSerializer(_NowMixin, serializers.ModelSerializer):
    """A matter in a list: no timeline, people as ``{"id","name"}``."""

    assigner = PersonRefSerializer(read_only=True)
    lead = PersonRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField(help_text=_("In progress and past its deadline."))

    class Meta:
        model = Matter
        fields = [
            "id", "title", "status", "source", "priority", "urgency", "classification", "assigner", "lead",
            "department", "due_on", "due_at", "overdue", "percent", "transfer_count", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, matter: Matter) -> bool:
        return matter.status == MatterStatus.IN_PROGRESS and matter.due_at < self._now()


class MatterDetailSerializer(MatterSerializer):
    """A matter with its owners, progress reports and timeline (``history``)."""

    assisting = serializers.SerializerMethodField()
    source_object = serializers.SerializerMethodField(
        help_text=_("The meeting decision, document or plan item the matter came from, if any.")
    )
    progress = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta(MatterSerializer.Meta):
        fields = [
            *MatterSerializer.Meta.fields, "description", "assisting", "source_object", "closing_report",
            "return_count", "completed_at", "closed_at", "progress", "history",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(PersonRefSerializer(many=True))
    def get_assisting(self, matter: Matter) -> list[dict[str, Any]]:
        return PersonRefSerializer([a.user for a in matter.assistants.all()], many=True).data

    @extend_schema_field(TargetSerializer(allow_null=True))
    def get_source_object(self, matter: Matter) -> dict[str, Any] | None:
        if matter.source_type_id is None or matter.source_id is None:
            return None
        return target_ref(matter.source_type_id, matter.source_id)

    @extend_schema_field(MatterProgressSerializer(many=True))
    def get_progress(self, matter: Matter) -> list[dict[str, Any]]:
        reports = [e for e in matter.events.all() if e.kind == MatterEventKind.PROGRESS]
        return MatterProgressSerializer(reports, many=True).data

    @extend_schema_field(MatterEventSerializer(many=True))
    def get_history(self, matter: Matter) -> list[dict[str, Any]]:
        return MatterEventSerializer(matter.events.all(), many=True).data


class MatterCreateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, validators=[single_line])
    description = serializers.CharField(required=False, default="", allow_blank=True, max_length=20000)
    priority = serializers.ChoiceField(choices=Priority.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default=Urgency.NORMAL)
    classification = serializers.ChoiceField(
        choices=Classification.choices, required=False, default=Classification.INTERNAL
    )
    lead = person_field(help_text=_("The lead owner (主办), a person's id."))
    assisting = serializers.ListField(
        child=person_field(), required=False, default=list, max_length=50, help_text=_("Assisting owners (协办).")
    )
    due_on = BoundedDateField(help_text=_("The deadline: the matter is due at close of business that day."))


class MatterProgressInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=20000)
    percent = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True, default=None)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=MAX_FILES_PER_REQUEST,
        help_text=_("Attachments (multipart/form-data only)."),
    )  # fmt: skip


class MatterTransferSerializer(StrictSerializer):
    to = person_field(help_text=_("The new lead owner."))
    reason = serializers.CharField(max_length=2000, help_text=_("Why the matter is transferred (required)."))


class MatterCompleteSerializer(StrictSerializer):
    report = serializers.CharField(max_length=20000, help_text=_("The closing report."))


class MatterConfirmSerializer(StrictSerializer):
    accept = serializers.BooleanField(help_text=_("true: confirm as done; false: send back to the owners."))
    note = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=2000, help_text=_("Required when sending back.")
    )


class MatterCancelSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class CreatedMatterSerializer(serializers.Serializer):
    matter = serializers.IntegerField(read_only=True, help_text=_("The id of the new matter."))


# --- Receptions -------------------------------------------------------------------------------


class VisitorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visitor
        fields = ["id", "name", "title"]
        read_only_fields = fields


class ArrangementSerializer(serializers.ModelSerializer):
    owner = PersonRefSerializer(read_only=True)

    class Meta:
        model = Arrangement
        fields = ["id", "reception", "kind", "description", "owner", "status", "note"]
        read_only_fields = fields


class ReceptionSerializer(serializers.ModelSerializer):
    """A reception in a list."""

    host_leader = PersonRefSerializer(read_only=True, allow_null=True)
    created_by = PersonRefSerializer(read_only=True)

    class Meta:
        model = Reception
        fields = [
            "id", "visiting_org", "purpose", "visitor_count", "arrival", "departure", "status", "host_leader",
            "created_by", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ReceptionDetailSerializer(ReceptionSerializer):
    """A reception with its visitors, staff and arrangements (the 接待方案)."""

    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    visitors = VisitorSerializer(many=True, read_only=True)
    accompanying = PersonRefSerializer(many=True, read_only=True)
    arrangements = ArrangementSerializer(many=True, read_only=True)

    class Meta(ReceptionSerializer.Meta):
        fields = [
            *ReceptionSerializer.Meta.fields, "department", "budget", "notes", "visitors", "accompanying",
            "arrangements",
        ]  # fmt: skip
        read_only_fields = fields


class VisitorInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


class ArrangementInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=ArrangementKind.choices)
    owner = person_field()
    description = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class ReceptionCreateSerializer(StrictSerializer):
    visiting_org = serializers.CharField(max_length=200, validators=[single_line])
    purpose = serializers.CharField(max_length=5000)
    arrival = BoundedDateTimeField()
    departure = BoundedDateTimeField()
    visitors = VisitorInputSerializer(many=True, required=False, default=list, max_length=200)
    visitor_count = serializers.IntegerField(
        min_value=1, max_value=10000, required=False, allow_null=True, default=None
    )
    host_leader = person_field(required=False, allow_null=True, default=None)
    accompanying = serializers.ListField(child=person_field(), required=False, default=list, max_length=50)
    budget = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    notes = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)
    arrangements = ArrangementInputSerializer(many=True, required=False, default=list, max_length=50)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["departure"] < attrs["arrival"]:
            raise serializers.ValidationError({"departure": [_("Departure must be after arrival.")]})
        return attrs


class ReceptionStatusSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=ReceptionStatus.choices)


class ArrangedSerializer(StrictSerializer):
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


# --- Work plans -------------------------------------------------------------------------------


class PlanItemMatterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Matter
        fields = ["id", "status", "percent"]
        read_only_fields = fields


class WorkPlanItemSerializer(serializers.ModelSerializer):
    """A plan item; ``matter`` shows its progress once it is followed as a matter."""

    owner = PersonRefSerializer(read_only=True)
    matter = PlanItemMatterSerializer(read_only=True, allow_null=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if getattr(instance, "matter_visible", True) is False:
            data["matter"] = None  # a matter the reader may not see: not its status, not its progress
        return data

    class Meta:
        model = WorkPlanItem
        fields = ["id", "title", "description", "priority", "owner", "due_on", "order", "matter"]
        read_only_fields = fields


class WorkPlanSerializer(serializers.ModelSerializer):
    """A plan in a list."""

    department = DepartmentRefSerializer(read_only=True)
    created_by = PersonRefSerializer(read_only=True)

    class Meta:
        model = WorkPlan
        fields = ["id", "title", "kind", "period", "period_start", "department", "created_by", "created_at"]
        read_only_fields = fields


class WorkPlanDetailSerializer(WorkPlanSerializer):
    items = WorkPlanItemSerializer(many=True, read_only=True)

    class Meta(WorkPlanSerializer.Meta):
        fields = [*WorkPlanSerializer.Meta.fields, "description", "items"]
        read_only_fields = fields


class PlanItemInputSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, validators=[single_line])
    owner = person_field()
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, default=Priority.ROUTINE)
    due_on = BoundedDateField(required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


class WorkPlanCreateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, validators=[single_line])
    kind = serializers.ChoiceField(choices=PlanKind.choices, required=False, default=PlanKind.PLAN)
    period = serializers.ChoiceField(choices=PlanPeriod.choices)
    period_start = BoundedDateField()
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), pk_field=_id_field()
    )
    description = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)
    items = PlanItemInputSerializer(many=True, required=False, default=list, max_length=200)


class PlanItemToMatterSerializer(StrictSerializer):
    due_on = BoundedDateField(
        required=False, allow_null=True, default=None, help_text=_("The deadline, when the item has none.")
    )
