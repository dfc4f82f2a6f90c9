"""REST endpoints of the approval chain (API.md, Documents): submit, the person's tasks, decide.

Every object is looked up through a selector first, so that one the person may not see is a 404
on every endpoint (never a 403); the services then decide who may act (403) and when (409).
"""

from typing import Any

import django_filters
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, views, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.models import User
from core.api import StrictSerializer, error_responses, object_id

from .. import approval_selectors, selectors
from ..models import Approval, ApprovalStatus, Decision
from ..serializers import DocumentDetailSerializer
from ..services import approval as services
from .drafting import document_detail_data

_MAX_ID = 2**63 - 1


def _ids(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), pk_field=serializers.IntegerField(min_value=1, max_value=_MAX_ID), **kwargs
    )


class SubmitSerializer(StrictSerializer):
    signer = _ids(help_text=_("The leader who signs off (签发)."))
    countersign = serializers.ListField(
        child=_ids(), max_length=50, required=False, default=list,
        help_text=_("People who countersign (会签) in parallel, by id; none: the step is left out."),
    )  # fmt: skip


class DecideSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    opinion = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=5000,
        help_text=_("Required to return or reject."),
    )  # fmt: skip
    version = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=_MAX_ID,
        help_text=_("The version you read; if the document has changed since, the decision is refused (409)."),
    )  # fmt: skip


class ApprovalTaskSerializer(serializers.ModelSerializer):
    """An approver's task: ``step`` is the step's id, ``kind`` its kind."""

    document = serializers.IntegerField(source="step.document_id", read_only=True)
    document_title = serializers.CharField(source="step.document.title", read_only=True)
    document_version = serializers.IntegerField(source="step.document.version", read_only=True)
    step = serializers.IntegerField(source="step_id", read_only=True)
    kind = serializers.CharField(source="step.kind", read_only=True)
    cycle = serializers.IntegerField(source="step.cycle", read_only=True)
    order = serializers.IntegerField(source="step.order", read_only=True)
    approver = serializers.IntegerField(source="approver_id", read_only=True)
    approver_name = serializers.CharField(source="approver.display_name", read_only=True)

    class Meta:
        model = Approval
        fields = [
            "id", "document", "document_title", "document_version", "step", "kind", "cycle", "order",
            "approver", "approver_name", "status", "decision", "opinion", "version", "decided_at",
        ]  # fmt: skip
        read_only_fields = fields


class ApprovalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ApprovalStatus.choices)

    class Meta:
        model = Approval
        fields = ["status"]


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _task(pk: int) -> dict[str, Any]:
    found = Approval.objects.select_related("step__document", "approver").get(pk=pk)
    return dict(ApprovalTaskSerializer(found).data)


@extend_schema(
    tags=["documents"],
    summary=_("Submit the current version for approval: 核稿 → 会签 → 审核 → 签发 (the drafter)"),
    request=SubmitSerializer,
    responses={200: DocumentDetailSerializer, **error_responses(400, 403, 404, 409)},
)
class DocumentSubmitView(views.APIView):
    def post(self, request: Request, pk: int) -> Response:
        document = selectors.document_get(user=request.user, pk=object_id(pk))
        data = _valid(SubmitSerializer, request)
        services.document_submit(document, by=request.user, signer=data["signer"], countersign=data["countersign"])
        return Response(document_detail_data(selectors.document_get(user=request.user, pk=document.pk)))


@extend_schema_view(
    list=extend_schema(
        summary=_("Your approval tasks (`?status=pending`: the current ones)"),
        responses={200: ApprovalTaskSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary=_("An approval task"), responses={200: ApprovalTaskSerializer, **error_responses(404)}
    ),
    decide=extend_schema(
        summary=_("Approve, return for revision or reject (the approver, on the current step)"),
        request=DecideSerializer,
        responses={200: ApprovalTaskSerializer, **error_responses(400, 403, 404, 409)},
    ),
)
@extend_schema(tags=["documents"])
class ApprovalViewSet(viewsets.GenericViewSet):
    queryset = Approval.objects.none()  # names the model behind {id}; rows come from selectors
    serializer_class = ApprovalTaskSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApprovalFilter
    ordering = ("-id",)

    def list(self, request: Request) -> Response:
        rows = approval_selectors.my_approvals(user=request.user)
        page = self.paginate_queryset(self.filter_queryset(rows))
        return self.get_paginated_response(ApprovalTaskSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        found = selectors.approval_get(user=request.user, pk=object_id(pk))
        return Response(_task(found.pk))

    @action(detail=True, methods=["post"], filterset_class=None)
    def decide(self, request: Request, pk: str) -> Response:
        found = selectors.approval_get(user=request.user, pk=object_id(pk))
        data = _valid(DecideSerializer, request)
        services.approval_decide(found, by=request.user, **data)
        return Response(_task(found.pk))


paths: list[URLPattern] = [
    path("documents/<int:pk>/submit/", DocumentSubmitView.as_view(), name="document-submit"),
]


def register(router: SimpleRouter) -> None:
    """Add this stage's viewsets to the API router."""
    router.register("approvals", ApprovalViewSet, basename="approval")
