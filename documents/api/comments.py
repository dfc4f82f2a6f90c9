"""REST endpoints of comment collection (API.md, Documents): rounds, answers, handling, the summary.

Every object is looked up through a selector first, so that one the person may not see is a 404
on every endpoint (never a 403); the services then decide who may act (403) and when (409).
"""

from typing import Any

import django_filters
from django.http import HttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, views, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.models import Department, User
from core.api import StrictSerializer, error_responses, object_id

from .. import comment_selectors, selectors
from ..comment_exports import opinion_summary_export
from ..models import CommentRequest, CommentRound, Handling, Opinion, RequestStatus, Stance
from ..services import comments as services

_MAX_ID = 2**63 - 1


def _ids(queryset: Any, **kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, pk_field=serializers.IntegerField(min_value=1, max_value=_MAX_ID), **kwargs
    )


# --- Shapes -------------------------------------------------------------------------------------


class RoundOpenSerializer(StrictSerializer):
    reviewers = serializers.ListField(
        child=_ids(User.objects.all()), max_length=100, required=False, default=list,
        help_text=_("The people asked, by id; each must be cleared for the document's classification."),
    )  # fmt: skip
    departments = serializers.ListField(
        child=_ids(Department.objects.all()), max_length=100, required=False, default=list,
        help_text=_("Departments asked, by id; each is answered by its head or a delegate the head names."),
    )  # fmt: skip
    due_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text=_("Default: 7 working days from today.")
    )
    instructions = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


class RequestRowSerializer(serializers.ModelSerializer):
    """A request in a round: ``reviewer`` is the person asked (the head, for a department)."""

    reviewer = serializers.IntegerField(source="reviewer_id", read_only=True)
    reviewer_name = serializers.CharField(source="reviewer.display_name", read_only=True)
    department = serializers.IntegerField(source="department_id", read_only=True, allow_null=True)
    delegate = serializers.IntegerField(source="delegate_id", read_only=True, allow_null=True)
    due_at = serializers.DateTimeField(source="round.due_at", read_only=True)

    class Meta:
        model = CommentRequest
        fields = ["id", "reviewer", "reviewer_name", "department", "delegate", "status", "stance", "due_at"]
        read_only_fields = fields


class RoundSerializer(serializers.ModelSerializer):
    document = serializers.IntegerField(source="document_id", read_only=True)
    requests = RequestRowSerializer(many=True, read_only=True)

    class Meta:
        model = CommentRound
        fields = ["id", "document", "number", "version", "status", "due_at", "instructions", "closed_at", "requests"]
        read_only_fields = fields


class OpinionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Opinion
        fields = ["id", "text", "quote", "handling", "note", "handled_at"]
        read_only_fields = fields


class OpinionInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=5000)
    quote = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=5000,
        help_text=_("A passage of the version asked about, which the point concerns."),
    )  # fmt: skip


class RespondSerializer(StrictSerializer):
    stance = serializers.ChoiceField(choices=Stance.choices)
    opinions = OpinionInputSerializer(many=True, required=False, default=list, max_length=100)


class DelegateSerializer(StrictSerializer):
    delegate = _ids(User.objects.all(), help_text=_("Someone of the department asked."))


class HandleSerializer(StrictSerializer):
    handling = serializers.ChoiceField(choices=Handling.choices)
    note = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=5000, help_text=_("Required unless adopted.")
    )


class AnsweredRequestSerializer(serializers.ModelSerializer):
    """A request with its document and its points (the reviewer's view)."""

    document = serializers.IntegerField(source="round.document_id", read_only=True)
    document_title = serializers.CharField(source="round.document.title", read_only=True)
    round = serializers.IntegerField(source="round_id", read_only=True)
    reviewer = serializers.IntegerField(source="reviewer_id", read_only=True)
    department = serializers.IntegerField(source="department_id", read_only=True, allow_null=True)
    delegate = serializers.IntegerField(source="delegate_id", read_only=True, allow_null=True)
    due_at = serializers.DateTimeField(source="round.due_at", read_only=True)
    opinions = OpinionSerializer(many=True, read_only=True)

    class Meta:
        model = CommentRequest
        fields = [
            "id", "document", "document_title", "round", "reviewer", "department", "delegate", "status",
            "stance", "due_at", "answered_at", "opinions",
        ]  # fmt: skip
        read_only_fields = fields


class SummaryOpinionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    quote = serializers.CharField()
    handling = serializers.CharField(help_text=_("adopted, partly_adopted, not_adopted, or empty: not yet handled."))
    note = serializers.CharField()


class SummaryRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reviewer = serializers.IntegerField()
    reviewer_name = serializers.CharField()
    department = serializers.IntegerField(allow_null=True)
    department_name = serializers.CharField(allow_null=True)
    delegate = serializers.IntegerField(allow_null=True)
    delegate_name = serializers.CharField(allow_null=True)
    stance = serializers.CharField(help_text=_("Empty until answered."))
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    answered_at = serializers.DateTimeField(allow_null=True)
    opinions = SummaryOpinionSerializer(many=True)


class SummaryRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    instructions = serializers.CharField()
    requests = SummaryRequestSerializer(many=True)


class SummarySerializer(serializers.Serializer):
    """The 意见汇总表."""

    rounds = SummaryRoundSerializer(many=True)
    unhandled = serializers.IntegerField(help_text=_("Opinion points not yet handled."))
    disagreements = serializers.IntegerField(
        help_text=_("Requests answered “disagree” whose points are not all adopted.")
    )


class CommentRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices)

    class Meta:
        model = CommentRequest
        fields = ["status"]


# --- Views --------------------------------------------------------------------------------------


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _round_data(pk: int) -> dict[str, Any]:
    round_ = CommentRound.objects.prefetch_related("requests__round").get(pk=pk)
    return dict(RoundSerializer(round_).data)


@extend_schema(
    tags=["documents"],
    summary=_("Ask for comments (征求意见) on the current version (the drafter)"),
    request=RoundOpenSerializer,
    responses={201: RoundSerializer, **error_responses(400, 403, 404, 409)},
)
class CommentRoundOpenView(views.APIView):
    def post(self, request: Request, pk: int) -> Response:
        document = selectors.document_get(user=request.user, pk=object_id(pk))
        data = _valid(RoundOpenSerializer, request)
        round_ = services.comment_round_open(document=document, actor=request.user, **data)
        return Response(_round_data(round_.pk), status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary=_("The comment requests you are to answer"),
        responses={200: AnsweredRequestSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary=_("A comment request with its answer"),
        responses={200: AnsweredRequestSerializer, **error_responses(404)},
    ),
    respond=extend_schema(
        summary=_("Answer with a stance and opinion points (the reviewer, once)"),
        request=RespondSerializer,
        responses={200: AnsweredRequestSerializer, **error_responses(400, 403, 404, 409)},
    ),
    delegate=extend_schema(
        summary=_("Hand a department's answer to someone there (its head)"),
        request=DelegateSerializer,
        responses={200: AnsweredRequestSerializer, **error_responses(400, 403, 404, 409)},
    ),
)
@extend_schema(tags=["documents"])
class CommentRequestViewSet(viewsets.GenericViewSet):
    queryset = CommentRequest.objects.none()  # names the model behind {id}; rows come from selectors
    serializer_class = AnsweredRequestSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommentRequestFilter
    ordering = ("-id",)

    def _detail(self, pk: int) -> Response:
        found = (
            selectors.comment_requests_visible(user=self.request.user)
            .select_related("round__document")
            .prefetch_related("opinions")
            .get(pk=pk)
        )
        return Response(AnsweredRequestSerializer(found).data)

    def list(self, request: Request) -> Response:
        rows = comment_selectors.my_comment_requests(user=request.user).prefetch_related("opinions")
        page = self.paginate_queryset(self.filter_queryset(rows))
        return self.get_paginated_response(AnsweredRequestSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        found = selectors.comment_request_get(user=request.user, pk=object_id(pk))
        return self._detail(found.pk)

    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str) -> Response:
        found = selectors.comment_request_get(user=request.user, pk=object_id(pk))
        data = _valid(RespondSerializer, request)
        services.comment_request_respond(request=found, actor=request.user, **data)
        return self._detail(found.pk)

    @action(detail=True, methods=["post"])
    def delegate(self, request: Request, pk: str) -> Response:
        found = selectors.comment_request_get(user=request.user, pk=object_id(pk))
        data = _valid(DelegateSerializer, request)
        services.comment_request_delegate(request=found, actor=request.user, **data)
        return self._detail(found.pk)


@extend_schema_view(
    retrieve=extend_schema(summary=_("A comment round"), responses={200: RoundSerializer, **error_responses(404)}),
    close=extend_schema(
        summary=_("Close a round; whoever has not answered is recorded as “no answer” (the drafter)"),
        request=None,
        responses={200: RoundSerializer, **error_responses(403, 404, 409)},
    ),
)
@extend_schema(tags=["documents"])
class CommentRoundViewSet(viewsets.GenericViewSet):
    queryset = CommentRound.objects.none()  # names the model behind {id}
    serializer_class = RoundSerializer

    def retrieve(self, request: Request, pk: str) -> Response:
        found = selectors.comment_round_get(user=request.user, pk=object_id(pk))
        return Response(_round_data(found.pk))

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        found = selectors.comment_round_get(user=request.user, pk=object_id(pk))
        services.comment_round_close(round=found, actor=request.user)
        return Response(_round_data(found.pk))


@extend_schema_view(
    handle=extend_schema(
        summary=_("Record how a point was handled: 采纳 / 部分采纳 / 不采纳 (the drafter)"),
        request=HandleSerializer,
        responses={200: OpinionSerializer, **error_responses(400, 403, 404, 409)},
    ),
)
@extend_schema(tags=["documents"])
class OpinionViewSet(viewsets.GenericViewSet):
    queryset = Opinion.objects.none()  # names the model behind {id}
    serializer_class = OpinionSerializer

    @action(detail=True, methods=["post"])
    def handle(self, request: Request, pk: str) -> Response:
        found = selectors.opinion_get(user=request.user, pk=object_id(pk))
        data = _valid(HandleSerializer, request)
        opinion = services.opinion_handle(opinion=found, actor=request.user, **data)
        return Response(OpinionSerializer(opinion).data)


@extend_schema(
    tags=["documents"],
    summary=_("The 意见汇总表: every round's requests and points with their handling"),
    responses={200: SummarySerializer, **error_responses(404)},
)
class OpinionSummaryView(views.APIView):
    def get(self, request: Request, pk: int) -> Response:
        document = selectors.document_get(user=request.user, pk=object_id(pk))
        summary = comment_selectors.opinion_summary(document=document)
        return Response(SummarySerializer(comment_selectors.summary_data(summary)).data)


def _export_view(kind: str, media_type: str) -> type[views.APIView]:
    @extend_schema(
        tags=["documents"],
        summary=_("The 意见汇总表 as a file to download"),
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=_("The file, as an attachment.")),
            **error_responses(404),
        },
    )
    class OpinionSummaryExportView(views.APIView):
        def get(self, request: Request, pk: int) -> HttpResponse:
            document = selectors.document_get(user=request.user, pk=object_id(pk))
            return opinion_summary_export(document=document, kind=kind)

    OpinionSummaryExportView.__name__ = f"OpinionSummary{kind.title()}View"
    return OpinionSummaryExportView


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

paths: list[URLPattern] = [
    path("documents/<int:pk>/comment-rounds/", CommentRoundOpenView.as_view(), name="document-comment-rounds"),
    path("documents/<int:pk>/opinion-summary/", OpinionSummaryView.as_view(), name="document-opinion-summary"),
    path(
        "documents/<int:pk>/opinion-summary/xlsx/",
        _export_view("xlsx", _XLSX).as_view(),
        name="document-opinion-summary-xlsx",
    ),
    path(
        "documents/<int:pk>/opinion-summary/docx/",
        _export_view("docx", _DOCX).as_view(),
        name="document-opinion-summary-docx",
    ),
]


def register(router: SimpleRouter) -> None:
    """Add this stage's viewsets to the API router."""
    router.register("comment-requests", CommentRequestViewSet, basename="comment-request")
    router.register("comment-rounds", CommentRoundViewSet, basename="comment-round")
    router.register("opinions", OpinionViewSet, basename="opinion")
