"""API shapes of leader bulletins (API.md, Relations: bulletins)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.serializers import PersonRefSerializer
from core.api import StrictSerializer
from core.enums import Classification
from core.validators import single_line

from .bulletin_models import Bulletin, BulletinKind, BulletinRecipient, BulletinReply

_MAX_ID = 2**63 - 1


class BulletinCreateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, validators=[single_line])
    body = serializers.CharField(max_length=20000, help_text=_("Plain text; blank lines separate paragraphs."))
    recipients = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=_MAX_ID),
        min_length=1,
        max_length=100,
        help_text=_("The leaders it goes to, by id (each an active leader cleared for it)."),
    )
    kind = serializers.ChoiceField(choices=BulletinKind.choices, required=False, default=BulletinKind.OTHER)
    classification = serializers.ChoiceField(
        choices=Classification.choices, required=False, default=Classification.INTERNAL
    )
    coordination = serializers.IntegerField(
        min_value=1,
        max_value=_MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The coordination matter it explains, by id."),
    )


class BulletinReplyCreateSerializer(StrictSerializer):
    text = serializers.CharField(max_length=20000)


class BulletinListQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("Only the bulletins you have (not) yet read.")
    )


class BulletinReceiptSerializer(serializers.ModelSerializer):
    leader = PersonRefSerializer(read_only=True)

    class Meta:
        model = BulletinRecipient
        fields = ["leader", "read_at"]


class BulletinReplySerializer(serializers.ModelSerializer):
    author = PersonRefSerializer(read_only=True)

    class Meta:
        model = BulletinReply
        fields = ["id", "author", "text", "created_at"]


class BulletinSerializer(serializers.ModelSerializer):
    author = PersonRefSerializer(read_only=True)
    kind = serializers.ChoiceField(choices=BulletinKind.choices, read_only=True)
    classification = serializers.ChoiceField(choices=Classification.choices, read_only=True)
    recipient_count = serializers.IntegerField(read_only=True)
    read_count = serializers.IntegerField(read_only=True)
    unread = serializers.BooleanField(read_only=True, help_text=_("You are a recipient and have not marked it read."))

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "title",
            "kind",
            "classification",
            "author",
            "created_at",
            "recipient_count",
            "read_count",
            "unread",
        ]


class BulletinDetailSerializer(BulletinSerializer):
    coordination = serializers.IntegerField(source="coordination_id", read_only=True, allow_null=True)
    recipients = BulletinReceiptSerializer(many=True, read_only=True)
    replies = BulletinReplySerializer(many=True, read_only=True)

    class Meta(BulletinSerializer.Meta):
        fields = [*BulletinSerializer.Meta.fields, "body", "coordination", "recipients", "replies"]
