"""REST endpoints of documents (API.md, Documents): drafting — create, list, read, edit (a new
version each time), versions, diffs, attachments.

Every object is looked up through a selector first, so that one the person may not see is a 404 on
every endpoint, whatever the body says; the services then decide who may act (403) and when (409).
"""

from typing import Any

from django.http.response import HttpResponseBase
from django.urls import URLPattern
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api import error_responses, object_id
from core.attachments import attachment_response, attachments_of
from core.errors import NotFound, ValidationError
from core.models import Attachment

from .. import body as body_text
from .. import selectors
from ..filters import DocumentFilter
from ..models import Document
from ..serializers import (
    AttachmentRefSerializer,
    DiffQuerySerializer,
    DiffSerializer,
    DocumentCreateSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
    DocumentUpdateSerializer,
    UploadSerializer,
    VersionSerializer,
)
from ..services import drafting

paths: list[URLPattern] = []


def _valid(serializer_class: type, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def document_detail_data(document: Document) -> dict[str, Any]:
    """The detail shape of ``document`` with its current steps and files (other stages answer with it)."""
    context = {
        "steps": selectors.document_steps(document=document),
        "attachments": list(attachments_of(document)),
    }
    return dict(DocumentDetailSerializer(document, context=context).data)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Documents visible to you"),
        responses={200: DocumentSerializer(many=True), **error_responses(400)},
    ),
    create=extend_schema(
        summary=gettext_lazy("Start a draft (version 1)"),
        request=DocumentCreateSerializer,
        responses={201: DocumentDetailSerializer, **error_responses(400, 403)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A document with its approval steps and files"),
        responses={200: DocumentDetailSerializer, **error_responses(404)},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Edit the draft (the drafter, in draft or revising): a new version"),
        request=DocumentUpdateSerializer,
        responses={200: DocumentDetailSerializer, **error_responses(400, 403, 404, 409)},
    ),
    versions=extend_schema(
        summary=gettext_lazy("Every saved version"),
        responses={200: VersionSerializer(many=True), **error_responses(404)},
    ),
    diff=extend_schema(
        summary=gettext_lazy("Changes between two versions, by character"),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.INT, required=True),
            OpenApiParameter("to", OpenApiTypes.INT, required=True),
        ],
        responses={200: DiffSerializer, **error_responses(400, 404)},
    ),
    attachments=extend_schema(
        summary=gettext_lazy("Attach a file to the draft (multipart `file`)"),
        request={"multipart/form-data": UploadSerializer},
        responses={201: AttachmentRefSerializer(many=True), **error_responses(400, 403, 404, 409, 413)},
    ),
)
@extend_schema(tags=["documents"])
class DocumentViewSet(viewsets.GenericViewSet):
    queryset = Document.objects.none()  # names the model behind {id} for the schema; rows come from selectors
    filterset_class = DocumentFilter
    serializer_class = DocumentSerializer
    ordering = ("-id",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _document(self, pk: str) -> Document:
        return selectors.document_get(user=self.request.user, pk=object_id(pk))

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.document_list(user=request.user)))
        return self.get_paginated_response(DocumentSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _valid(DocumentCreateSerializer, request.data)
        document = drafting.document_create(drafter=request.user, **data)
        return Response(document_detail_data(document), status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(document_detail_data(self._document(pk)))

    def partial_update(self, request: Request, pk: str) -> Response:
        document = self._document(pk)
        data = _valid(DocumentUpdateSerializer, request.data)
        summary = data.pop("summary", "")
        document = drafting.document_update(document=document, actor=request.user, summary=summary, **data)
        return Response(document_detail_data(selectors.document_get(user=request.user, pk=document.pk)))

    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request: Request, pk: str) -> Response:
        document = self._document(pk)
        return Response(VersionSerializer(selectors.document_versions(document=document), many=True).data)

    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def diff(self, request: Request, pk: str) -> Response:
        document = self._document(pk)
        query = _valid(DiffQuerySerializer, request.query_params)
        old = selectors.document_version_get(document=document, number=query["from_"])
        new = selectors.document_version_get(document=document, number=query["to"])
        changes = body_text.diff(version_text(old), version_text(new))
        data = {"from_": old.number, "to": new.number, "changes": changes}
        return Response(DiffSerializer(data).data)

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser], filterset_class=None)
    def attachments(self, request: Request, pk: str) -> Response:
        document = self._document(pk)
        files = request.FILES.getlist("file")
        if not files:
            raise ValidationError(fields={"file": [str(gettext_lazy("Choose a file."))]})
        stored = drafting.document_attach(document=document, actor=request.user, files=files)
        return Response(AttachmentRefSerializer(stored, many=True).data, status=status.HTTP_201_CREATED)


def version_text(version: Any) -> str:
    """A version as the text a diff compares: the title, then the body's paragraphs."""
    return version.title + "\n" + body_text.plain_text(version.body)


@extend_schema(
    summary=gettext_lazy("Download a document's attachment"),
    responses={
        (200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description=gettext_lazy("The file, as an attachment.")
        ),
        **error_responses(404),
    },
    tags=["documents"],
)
class DocumentAttachmentViewSet(viewsets.GenericViewSet):
    queryset = Attachment.objects.none()
    pagination_class = None

    def retrieve(self, request: Request, pk: str) -> HttpResponseBase:
        attachment = selectors.attachment_get(user=request.user, pk=object_id(pk))
        try:
            return attachment_response(attachment, user=request.user)
        except OSError as missing:
            raise NotFound() from missing


def register(router: SimpleRouter) -> None:
    router.register("documents", DocumentViewSet, basename="document")
    router.register("attachments", DocumentAttachmentViewSet, basename="document-attachment")
