"""API shapes of incoming documents (收文), their circulation (传阅) and reading packets (阅件) (API.md, Documents)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department, User
from accounts.serializers import DepartmentRefSerializer, PersonRefSerializer
from affairs.serializers import BoundedDateField
from core.api import StrictSerializer
from core.attachments import MAX_FILES_PER_REQUEST
from core.enums import Classification, Urgency
from core.validators import single_line

from .models import Document, IncomingDocument, PacketEntry, Reading, ReadingPacket

_MAX_ID = 2**63 - 1


def _id_field() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=_MAX_ID)


def person_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), pk_field=_id_field(), **kwargs
    )


def department_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), pk_field=_id_field(), **kwargs
    )


class FileSerializer(serializers.Serializer):
    """An attached file; ``url`` serves it after the visibility check."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    size = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, attachment: Any) -> str:
        return reverse(self.context.get("file_route", "api:incoming-file-detail"), args=[attachment.pk])


# --- Incoming documents -------------------------------------------------------------------------


class IncomingSerializer(serializers.ModelSerializer):
    """An incoming document in the register (收文登记簿)."""

    registered_by = PersonRefSerializer(read_only=True)
    leader = PersonRefSerializer(read_only=True, allow_null=True)
    lead_department = DepartmentRefSerializer(read_only=True, allow_null=True)
    matter = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = IncomingDocument
        fields = [
            "id", "serial", "title", "sender_org", "sender_number", "received_on", "due_on", "classification",
            "urgency", "status", "registered_by", "registered_at", "leader", "lead_department", "matter",
        ]  # fmt: skip
        read_only_fields = fields


class ReadingSerializer(serializers.ModelSerializer):
    """One reader's turn (传阅) and their 圈阅."""

    reader = PersonRefSerializer(read_only=True)
    sent_by = PersonRefSerializer(read_only=True)

    class Meta:
        model = Reading
        fields = ["id", "incoming", "reader", "status", "remark", "sent_by", "created_at", "read_at"]
        read_only_fields = fields


class IncomingDetailSerializer(IncomingSerializer):
    """An incoming document with every step: review, proposal, instruction, circulation, reply."""

    reviewed_by = PersonRefSerializer(read_only=True, allow_null=True)
    proposed_by = PersonRefSerializer(read_only=True, allow_null=True)
    assisting_departments = serializers.SerializerMethodField()
    readings = ReadingSerializer(many=True, read_only=True)
    files = serializers.SerializerMethodField()

    class Meta(IncomingSerializer.Meta):
        fields = [
            *IncomingSerializer.Meta.fields, "body", "review_passed", "review_note", "reviewed_by", "reviewed_at",
            "proposal", "proposed_by", "proposed_at", "instruction", "instructed_at", "assisting_departments",
            "readings", "reply", "closed_at", "archived_at", "files",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(DepartmentRefSerializer(many=True))
    def get_assisting_departments(self, incoming: IncomingDocument) -> list[dict[str, Any]]:
        people = self.context.get("assistants", [])
        departments = [p.department for p in people if p.department is not None]
        return DepartmentRefSerializer(departments, many=True).data

    @extend_schema_field(FileSerializer(many=True))
    def get_files(self, incoming: IncomingDocument) -> list[dict[str, Any]]:
        return FileSerializer(
            self.context.get("files", []), many=True, context={"file_route": "api:incoming-file-detail"}
        ).data


class IncomingCreateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, validators=[single_line])
    sender_org = serializers.CharField(max_length=200, validators=[single_line], help_text=_("The sending organ."))
    sender_number = serializers.CharField(
        max_length=60, required=False, default="", allow_blank=True, help_text=_("The sender's document number.")
    )
    received_on = BoundedDateField()
    due_on = BoundedDateField(
        required=False, allow_null=True, default=None, help_text=_("Default: by urgency, in working days.")
    )
    classification = serializers.ChoiceField(
        choices=Classification.choices, required=False, default=Classification.INTERNAL
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default=Urgency.NORMAL)
    body = serializers.CharField(required=False, default="", allow_blank=True, max_length=100000)
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_FILES_PER_REQUEST,
        help_text=_("Scanned pages or the electronic file (multipart/form-data)."),
    )


class IncomingReviewSerializer(StrictSerializer):
    passed = serializers.BooleanField(help_text=_("false returns the document to its sender."))
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


class IncomingProposeSerializer(StrictSerializer):
    proposal = serializers.CharField(max_length=5000)
    leader = person_field(help_text=_("The leader asked to instruct (批办)."))


class IncomingInstructSerializer(StrictSerializer):
    instruction = serializers.CharField(max_length=5000)
    lead_department = department_field(help_text=_("主办: its head leads the matter."))
    assisting_departments = serializers.ListField(
        child=department_field(), required=False, default=list, max_length=50, help_text=_("协办 departments.")
    )
    due_on = BoundedDateField()


class IncomingCirculateSerializer(StrictSerializer):
    readers = serializers.ListField(child=person_field(), min_length=1, max_length=50)


class IncomingCloseSerializer(StrictSerializer):
    reply = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


class EmptySerializer(StrictSerializer):
    """No fields."""


class ReadingDetailSerializer(ReadingSerializer):
    incoming = IncomingSerializer(read_only=True)


class MarkReadSerializer(StrictSerializer):
    remark = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


# --- Reading packets ----------------------------------------------------------------------------


class PacketSerializer(serializers.ModelSerializer):
    leader = PersonRefSerializer(read_only=True)
    compiled_by = PersonRefSerializer(read_only=True)

    class Meta:
        model = ReadingPacket
        fields = ["id", "title", "classification", "status", "leader", "compiled_by", "created_at", "read_at"]
        read_only_fields = fields


class PacketEntrySerializer(serializers.ModelSerializer):
    """One entry: a document or an incoming document, with the office's note."""

    kind = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()

    class Meta:
        model = PacketEntry
        fields = ["id", "order", "kind", "document", "incoming", "title", "note"]
        read_only_fields = fields

    def _item(self, entry: PacketEntry) -> Document | IncomingDocument:
        return entry.document if entry.document_id else entry.incoming  # type: ignore[return-value]

    def get_kind(self, entry: PacketEntry) -> str:
        return "document" if entry.document_id else "incoming"

    def get_title(self, entry: PacketEntry) -> str:
        return self._item(entry).title


class PacketDetailSerializer(PacketSerializer):
    entries = PacketEntrySerializer(many=True, read_only=True)
    files = serializers.SerializerMethodField()

    class Meta(PacketSerializer.Meta):
        fields = [*PacketSerializer.Meta.fields, "cover_note", "remark", "entries", "files"]
        read_only_fields = fields

    @extend_schema_field(FileSerializer(many=True))
    def get_files(self, packet: ReadingPacket) -> list[dict[str, Any]]:
        return FileSerializer(
            self.context.get("files", []), many=True, context={"file_route": "api:packet-file-detail"}
        ).data


class PacketEntryInputSerializer(StrictSerializer):
    document = serializers.IntegerField(required=False, min_value=1, max_value=_MAX_ID)
    incoming = serializers.IntegerField(required=False, min_value=1, max_value=_MAX_ID)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("document" in attrs) == ("incoming" in attrs):
            raise serializers.ValidationError(_("Name either a document or an incoming document."))
        return attrs


class PacketCreateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, validators=[single_line])
    cover_note = serializers.CharField(required=False, default="", allow_blank=True, max_length=20000)
    leader = person_field(help_text=_("The leader the packet is for."))
    entries = serializers.ListField(
        child=PacketEntryInputSerializer(),
        required=False,
        default=list,
        max_length=100,
        help_text=_('Each {"document": id} or {"incoming": id}, with an optional "note".'),
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=MAX_FILES_PER_REQUEST
    )
