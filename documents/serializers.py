"""API shapes of documents' drafting (API.md, Documents): a document, its versions and diffs.

People named inside a document's rows (``approver``) are ids, as in requests; a ``*_name`` beside
each saves clients a lookup.
"""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import DepartmentRefSerializer, PersonRefSerializer
from core.api import StrictSerializer
from core.enums import Classification, Urgency

from . import body as body_text
from .models import Approval, ApprovalStep, DocType, Document, DocumentVersion, Revocation

_TEXT_LIMITS = {"title": 200, "secrecy_period": 20, "main_recipients": 300, "cc_recipients": 300, "note": 300}


class DocumentSerializer(serializers.ModelSerializer):
    """A row of the document list."""

    drafter = PersonRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "doc_type",
            "status",
            "version",
            "number",
            "classification",
            "urgency",
            "drafter",
            "department",
            "created_at",
            "updated_at",
            "issued_at",
        ]
        read_only_fields = fields


class ApprovalSerializer(serializers.ModelSerializer):
    approver = serializers.IntegerField(source="approver_id", read_only=True)
    approver_name = serializers.CharField(source="approver.display_name", read_only=True)

    class Meta:
        model = Approval
        fields = ["id", "approver", "approver_name", "status", "decision", "opinion", "version", "decided_at"]
        read_only_fields = fields


class StepSerializer(serializers.ModelSerializer):
    approvals = ApprovalSerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalStep
        fields = ["id", "order", "kind", "status", "approvals"]
        read_only_fields = fields


class AttachmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    size = serializers.IntegerField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, attachment: Any) -> str:
        return reverse("api:document-attachment-detail", args=[attachment.pk])


class DocumentDetailSerializer(DocumentSerializer):
    """A document with its text, the current approval cycle's steps and its files."""

    signer = PersonRefSerializer(read_only=True, allow_null=True)
    steps = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    paragraphs = serializers.SerializerMethodField()
    verification_url = serializers.SerializerMethodField()
    # Blank until 撤销 or 废止: the schema lists "" beside the two kinds.
    revocation = serializers.ChoiceField(choices=Revocation.choices, allow_blank=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [
            *DocumentSerializer.Meta.fields,
            "body",
            "paragraphs",
            "secrecy_period",
            "main_recipients",
            "cc_recipients",
            "attachment_notes",
            "note",
            "signer",
            "signed_at",
            "steps",
            "attachments",
            "verification_url",
            "revocation",
            "revoked_at",
        ]
        read_only_fields = fields

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, document: Document) -> list[dict[str, Any]]:
        steps = self.context.get("steps", [])
        return list(StepSerializer(steps, many=True).data)

    @extend_schema_field(AttachmentRefSerializer(many=True))
    def get_attachments(self, document: Document) -> list[dict[str, Any]]:
        return list(AttachmentRefSerializer(self.context.get("attachments", []), many=True).data)

    @extend_schema_field(
        serializers.ListField(child=serializers.DictField(), help_text=_("The body's paragraphs: level 0–4 and text."))
    )
    def get_paragraphs(self, document: Document) -> list[dict[str, Any]]:
        return [{"level": p.level, "text": p.text} for p in body_text.paragraphs(document.body)]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_verification_url(self, document: Document) -> str | None:
        if not document.verification_code:
            return None
        return settings.SITE_URL.rstrip("/") + reverse("verify", args=[document.verification_code])


def _text(name: str, *, required: bool = False, multiline: bool = False) -> serializers.CharField:
    return serializers.CharField(
        required=required, allow_blank=not required, max_length=_TEXT_LIMITS[name], trim_whitespace=not multiline
    )


class DocumentCreateSerializer(StrictSerializer):
    title = _text("title", required=True)
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    body = serializers.CharField(required=False, allow_blank=True, max_length=200_000, trim_whitespace=False)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    secrecy_period = _text("secrecy_period")
    main_recipients = _text("main_recipients")
    cc_recipients = _text("cc_recipients")
    attachment_notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    note = _text("note")


class DocumentUpdateSerializer(DocumentCreateSerializer):
    title = _text("title")
    doc_type = serializers.ChoiceField(choices=DocType.choices, required=False)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=200)


class VersionSerializer(serializers.ModelSerializer):
    author = PersonRefSerializer(read_only=True)

    class Meta:
        model = DocumentVersion
        fields = ["number", "title", "author", "summary", "created_at"]
        read_only_fields = fields


class ChangeSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete"], read_only=True)
    text = serializers.CharField(read_only=True)


class DiffSerializer(serializers.Serializer):
    """``{"from", "to", "changes": [{"op", "text"}]}`` ("from" is a Python keyword, hence __init__)."""

    from_ = serializers.IntegerField(read_only=True)
    to = serializers.IntegerField(read_only=True)
    changes = ChangeSerializer(many=True, read_only=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = self.fields.pop("from_")


class DiffQuerySerializer(serializers.Serializer):
    from_ = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    to = serializers.IntegerField(min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = self.fields.pop("from_")


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
