"""REST endpoints of public feedback (API.md, Relations): ``/api/v1/feedback/``.

Every piece of feedback is looked up through the selector first, so that one the person may not see
is a 404 on every endpoint (never a 403); the services then decide who may act. The submitter's
personal fields are ``null`` for anyone but the office and the handler.
"""

from typing import Any

from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.serializers import DepartmentRefSerializer, PersonRefSerializer
from core.api import StrictSerializer, error_responses, object_id
from core.errors import ValidationError
from core.validators import single_line

from . import feedback as services
from .feedback_forms import FeedbackFilter
from .feedback_models import Feedback, FeedbackCategory, FeedbackChannel, FeedbackStatus, Satisfaction
from .serializers import BoundedDateField, department_field

_MAX_ID = 2**63 - 1


class FeedbackCreateSerializer(StrictSerializer):
    channel = serializers.ChoiceField(choices=FeedbackChannel.choices)
    category = serializers.ChoiceField(choices=FeedbackCategory.choices)
    subject = serializers.CharField(max_length=200, validators=[single_line])
    content = serializers.CharField(max_length=20000)
    received_on = BoundedDateField(required=False, default=None, allow_null=True, help_text=_("Default: today."))
    anonymous = serializers.BooleanField(required=False, default=False)
    submitter_name = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
    submitter_phone = serializers.CharField(required=False, default="", allow_blank=True, max_length=40)
    submitter_address = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)


class FeedbackRouteSerializer(StrictSerializer):
    department = department_field(help_text=_("The department it is routed to, by id."))
    handler = serializers.IntegerField(
        required=False,
        default=None,
        allow_null=True,
        min_value=1,
        max_value=_MAX_ID,
        help_text=_("A person of that department, by id; default: its head."),
    )
    due_on = BoundedDateField(
        required=False, default=None, allow_null=True, help_text=_("Default: the reply deadline in working days.")
    )


class FeedbackReplySerializer(StrictSerializer):
    reply = serializers.CharField(max_length=20000)


class FeedbackCloseSerializer(StrictSerializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=20000)


class FeedbackSendBackSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=20000)
    due_on = BoundedDateField(required=False, default=None, allow_null=True)


class SubmitterSerializer(serializers.Serializer):
    name = serializers.CharField(source="submitter_name", read_only=True)
    phone = serializers.CharField(source="submitter_phone", read_only=True)
    address = serializers.CharField(source="submitter_address", read_only=True)


class FeedbackSerializer(serializers.ModelSerializer):
    channel = serializers.ChoiceField(choices=FeedbackChannel.choices, read_only=True)
    category = serializers.ChoiceField(choices=FeedbackCategory.choices, read_only=True)
    status = serializers.ChoiceField(choices=FeedbackStatus.choices, read_only=True)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, read_only=True)
    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    handler = PersonRefSerializer(read_only=True, allow_null=True)
    submitter = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        fields = [
            "id",
            "number",
            "channel",
            "category",
            "subject",
            "anonymous",
            "submitter",
            "received_on",
            "status",
            "department",
            "handler",
            "acknowledge_by",
            "due_on",
            "overdue",
            "satisfaction",
            "created_at",
        ]

    @extend_schema_field(SubmitterSerializer(allow_null=True))
    def get_submitter(self, feedback: Feedback) -> dict[str, Any] | None:
        """The submitter's personal fields, for the office and the handler only (null otherwise)."""
        if feedback.anonymous or not services.shows_submitter(self.context.get("user"), feedback):
            return None
        return dict(SubmitterSerializer(feedback).data)

    def get_overdue(self, feedback: Feedback) -> bool:
        return services.is_overdue(feedback)


class FeedbackDetailSerializer(FeedbackSerializer):
    registered_by = PersonRefSerializer(read_only=True, allow_null=True)
    replied_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta(FeedbackSerializer.Meta):
        fields = [
            *FeedbackSerializer.Meta.fields,
            "content",
            "registered_by",
            "routed_at",
            "reply",
            "replied_by",
            "replied_at",
            "closing_note",
            "closed_at",
        ]


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


_STEP = {200: FeedbackDetailSerializer}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Public feedback visible to you (the register, filtered)"),
        responses={200: FeedbackSerializer(many=True), **error_responses(400)},
    ),
    create=extend_schema(
        summary=gettext_lazy("Register public feedback (the office)"),
        request=FeedbackCreateSerializer,
        responses={201: FeedbackDetailSerializer, **error_responses(400, 403)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A piece of public feedback"),
        responses={200: FeedbackDetailSerializer, **error_responses(404)},
    ),
    route=extend_schema(
        summary=gettext_lazy("Route or re-route to a department (the office)"),
        request=FeedbackRouteSerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
    reply=extend_schema(
        summary=gettext_lazy("Reply (the handler or the routed department's head)"),
        request=FeedbackReplySerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
    close=extend_schema(
        summary=gettext_lazy("Close with the submitter's satisfaction (the office)"),
        request=FeedbackCloseSerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
    send_back=extend_schema(
        summary=gettext_lazy("Send the reply back for a better one (the office)"),
        request=FeedbackSendBackSerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
)
@extend_schema(tags=["relations"])
class FeedbackViewSet(viewsets.GenericViewSet):
    queryset = Feedback.objects.none()  # names the model behind {id}; rows come from selectors
    filterset_class = FeedbackFilter
    serializer_class = FeedbackSerializer
    ordering = ("-id",)

    def _feedback(self, pk: str) -> Feedback:
        return services.feedback_get(user=self.request.user, pk=object_id(pk))

    def _answer(self, feedback: Feedback, *, status_code: int = status.HTTP_200_OK) -> Response:
        found = services.feedback_get(user=self.request.user, pk=feedback.pk)
        return Response(FeedbackDetailSerializer(found, context={"user": self.request.user}).data, status=status_code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(services.feedback_register(user=request.user)))
        return self.get_paginated_response(FeedbackSerializer(page, many=True, context={"user": request.user}).data)

    def create(self, request: Request) -> Response:
        data = _valid(FeedbackCreateSerializer, request)
        feedback = services.feedback_register_entry(actor=request.user, **data)
        return self._answer(feedback, status_code=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(FeedbackDetailSerializer(self._feedback(pk), context={"user": request.user}).data)

    @action(detail=True, methods=["post"])
    def route(self, request: Request, pk: str) -> Response:
        feedback = self._feedback(pk)
        data = _valid(FeedbackRouteSerializer, request)
        handler = None
        if data["handler"] is not None:
            handler = User.objects.filter(pk=data["handler"], is_active=True).first()
            if handler is None:
                raise ValidationError(_("Unknown person."), fields={"handler": [_("Choose an active person.")]})
        services.feedback_route(
            actor=request.user, feedback=feedback, department=data["department"], handler=handler, due_on=data["due_on"]
        )
        return self._answer(feedback)

    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        feedback = self._feedback(pk)
        data = _valid(FeedbackReplySerializer, request)
        services.feedback_reply(actor=request.user, feedback=feedback, **data)
        return self._answer(feedback)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        feedback = self._feedback(pk)
        data = _valid(FeedbackCloseSerializer, request)
        services.feedback_close(actor=request.user, feedback=feedback, **data)
        return self._answer(feedback)

    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str) -> Response:
        feedback = self._feedback(pk)
        data = _valid(FeedbackSendBackSerializer, request)
        services.feedback_send_back(actor=request.user, feedback=feedback, **data)
        return self._answer(feedback)
