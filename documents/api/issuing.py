"""REST endpoints of documents (API.md, Documents): issuing, the rendered document, distributions
and their receipt (签收), revocation.

Every object is looked up through a selector first, so that one the person may not see is a 404
on every endpoint (never a 403); the services then decide who may act (403) and when (409).
"""

from typing import Any
from urllib.parse import quote

import django_filters
from django.http import Http404, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, views, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.models import Department
from core.api import StrictSerializer, error_responses, object_id

from .. import selectors
from ..models import Distribution, DistributionStatus, Document, Revocation
from ..services import issuing as services
from ..services import rendering

_MAX_ID = 2**63 - 1


def _departments(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(
            queryset=Department.objects.filter(is_active=True).select_related("head"),
            pk_field=serializers.IntegerField(min_value=1, max_value=_MAX_ID),
        ),
        max_length=services.MAX_RECIPIENTS,
        **kwargs,
    )


class IssueSerializer(StrictSerializer):
    main_departments = _departments(help_text=_("主送: departments by id; each one's head signs for it."))
    cc_departments = _departments(required=False, default=list, help_text=_("抄送: departments by id."))
    numbered_copies = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Number each copy (份号): every distribution gets a numbered, signed copy of its own. "
            "Default and required for secret and confidential documents; optional for the others."
        ),
    )


class IssuedCopySerializer(serializers.Serializer):
    number = serializers.CharField(help_text=_("份号, six digits."))
    distribution = serializers.IntegerField(allow_null=True, help_text=_("null for the office's file copy."))
    sha256 = serializers.CharField()


class IssuedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    number = serializers.CharField()
    pdf_sha256 = serializers.CharField()
    verification_url = serializers.CharField()
    copies = IssuedCopySerializer(many=True, help_text=_("The numbered copies (empty when not numbered)."))


class RevokeSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Revocation.choices, help_text=_("revoked: 撤销; repealed: 废止."))
    reason = serializers.CharField(max_length=services.MAX_REASON)


class RevokedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    revocation = serializers.CharField()
    revoked_at = serializers.DateTimeField()
    revocation_reason = serializers.CharField()


class RenderQuerySerializer(StrictSerializer):
    format = serializers.ChoiceField(choices=rendering.FORMATS, required=False, default=rendering.PDF)


class CopySerializer(serializers.Serializer):
    number = serializers.CharField(source="copy_label", help_text=_("份号, six digits."))
    sha256 = serializers.CharField(source="copy_sha256")
    url = serializers.SerializerMethodField(help_text=_("The copy's signed PDF (?format=docx for Word)."))

    def get_url(self, distribution: Distribution) -> str:
        return reverse("api:distribution-copy", args=[distribution.pk])


class DistributionSerializer(serializers.ModelSerializer):
    document = serializers.IntegerField(source="document_id", read_only=True)
    document_title = serializers.CharField(source="document.title", read_only=True)
    document_number = serializers.CharField(source="document.number", read_only=True)
    department = serializers.IntegerField(source="department_id", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    recipient = serializers.IntegerField(source="recipient_id", read_only=True)
    received_by = serializers.IntegerField(source="received_by_id", read_only=True, allow_null=True)
    copy = serializers.SerializerMethodField()

    class Meta:
        model = Distribution
        fields = [
            "id", "document", "document_title", "document_number", "department", "department_name", "kind",
            "recipient", "status", "received_by", "received_at", "created_at", "copy",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(CopySerializer(allow_null=True, help_text=_("The numbered copy (份号), or null.")))
    def get_copy(self, distribution: Distribution) -> dict[str, Any] | None:
        return dict(CopySerializer(distribution).data) if distribution.copy_number else None


class DistributionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DistributionStatus.choices)

    class Meta:
        model = Distribution
        fields = ["status"]


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema(
    tags=["documents"],
    summary=_("Issue an approved document: its number, the signed PDF, the 签收 items (the office)"),
    request=IssueSerializer,
    responses={200: IssuedSerializer, **error_responses(400, 403, 404, 409)},
)
class DocumentIssueView(views.APIView):
    def post(self, request: Request, pk: int) -> Response:
        document = selectors.document_get(user=request.user, pk=object_id(pk))
        data = _valid(IssueSerializer, request.data)
        issued = services.document_issue(document=document, by=request.user, **data)
        return Response(
            {
                "id": issued.pk,
                "status": issued.status,
                "number": issued.number,
                "pdf_sha256": issued.pdf_sha256,
                "verification_url": rendering.verification_url(issued),
                "copies": _copies(issued),
            }
        )


def _copies(document: Document) -> list[dict[str, Any]]:
    """The numbered copies of an issued document: the distributions' and the office's file copy."""
    if not document.copy_number:
        return []
    rows = Distribution.objects.filter(document=document, copy_number__isnull=False).order_by("copy_number")
    copies = [{"number": row.copy_label, "distribution": row.pk, "sha256": row.copy_sha256} for row in rows]
    return [*copies, {"number": document.copy_label, "distribution": None, "sha256": document.pdf_sha256}]


@extend_schema(
    tags=["documents"],
    summary=_("Revoke (撤销) or repeal (废止) an issued document (the office)"),
    request=RevokeSerializer,
    responses={200: RevokedSerializer, **error_responses(400, 403, 404, 409)},
)
class DocumentRevokeView(views.APIView):
    def post(self, request: Request, pk: int) -> Response:
        document = selectors.document_get(user=request.user, pk=object_id(pk))
        data = _valid(RevokeSerializer, request.data)
        revoked = services.document_revoke(document=document, by=request.user, **data)
        return Response(RevokedSerializer(revoked).data)


@extend_schema(
    tags=["documents"],
    summary=_("The document in GB/T 9704 layout; an issued document's PDF is the signed original"),
    parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=list(rendering.FORMATS), required=False)],
    responses={
        (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description=_("PDF or DOCX.")),
        **error_responses(400, 404),
    },
)
class DocumentRenderView(views.APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``?format=`` names the file wanted here, not one of DRF's renderers: errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request: Request, pk: int) -> HttpResponse:
        document = selectors.document_get(user=request.user, pk=object_id(pk))
        fmt = _valid(RenderQuerySerializer, request.query_params)["format"]
        return render_response(document, fmt, copy=selectors.own_copy(user=request.user, document=document))


def render_response(document: Any, fmt: str, *, copy: Distribution | None = None) -> HttpResponse:
    """The rendered file as a download (pages and the API share it): the numbered ``copy`` of a
    distribution when given, else the document (an issued one's file copy)."""
    response = HttpResponse(rendering.render(document, fmt, copy=copy), content_type=rendering.MEDIA_TYPES[fmt])
    response["Content-Disposition"] = _disposition(rendering.file_name(document, fmt, copy=copy))
    response["Cache-Control"] = "private, no-store"
    return response


def _disposition(name: str) -> str:
    """An attachment named in ASCII for old clients and in UTF-8 (RFC 6266) for the rest."""
    return f"attachment; filename=\"document.{name.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(name)}"


@extend_schema_view(
    list=extend_schema(
        summary=_("Your 签收 items (filter ?status=pending)"),
        responses={200: DistributionSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary=_("A distribution"), responses={200: DistributionSerializer, **error_responses(404)}
    ),
    receive=extend_schema(
        summary=_("Sign for the document (签收; the department's head, once)"),
        request=None,
        responses={200: DistributionSerializer, **error_responses(403, 404, 409)},
    ),
    copy=extend_schema(
        summary=_("The distribution's numbered copy (份号): its signed PDF, or DOCX"),
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=list(rendering.FORMATS), required=False)],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description=_("PDF or DOCX.")),
            **error_responses(400, 404),
        },
    ),
)
@extend_schema(tags=["documents"])
class DistributionViewSet(viewsets.GenericViewSet):
    queryset = Distribution.objects.none()  # names the model behind {id}; rows come from selectors
    serializer_class = DistributionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = DistributionFilter
    ordering = ("-id",)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.my_distributions(user=request.user)))
        return self.get_paginated_response(DistributionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(DistributionSerializer(selectors.distribution_get(user=request.user, pk=object_id(pk))).data)

    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: str) -> Response:
        found = selectors.distribution_get(user=request.user, pk=object_id(pk))
        services.distribution_receive(distribution=found, by=request.user)
        return Response(DistributionSerializer(selectors.distribution_get(user=request.user, pk=found.pk)).data)

    @action(detail=True, methods=["get"], url_path="copy")
    def copy(self, request: Request, pk: str) -> HttpResponse:
        """404 for a distribution the person may not see, and for one without a numbered copy."""
        found = selectors.distribution_get(user=request.user, pk=object_id(pk))
        if not found.copy_number:
            raise Http404
        fmt = _valid(RenderQuerySerializer, request.query_params)["format"]
        response = render_response(found.document, fmt, copy=found)
        services.distribution_copy_downloaded(distribution=found, by=request.user, fmt=fmt)
        return response

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The copy's ``?format=`` names the file wanted, not one of DRF's renderers: errors stay JSON.
        return super().perform_content_negotiation(request, force=self.action == "copy" or force)


paths: list[URLPattern] = [
    path("documents/<int:pk>/issue/", DocumentIssueView.as_view(), name="document-issue"),
    path("documents/<int:pk>/revoke/", DocumentRevokeView.as_view(), name="document-revoke"),
    path("documents/<int:pk>/render/", DocumentRenderView.as_view(), name="document-render"),
]


def register(router: SimpleRouter) -> None:
    """Add this stage's viewsets to the API router."""
    router.register("distributions", DistributionViewSet, basename="distribution")
