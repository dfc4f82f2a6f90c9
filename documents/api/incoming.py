"""REST endpoints of documents (API.md, Documents): incoming documents (收文) and circulation (传阅).

Every object is looked up through a selector first, so one the person may not see is a 404 on
every endpoint; the services then decide who may act (403) and whether the state allows it (409).
"""

from typing import Any

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api import error_responses, object_id
from core.attachments import attachment_response
from core.errors import NotFound
from core.models import Attachment

from .. import selectors_incoming as selectors
from ..exports_incoming import incoming_register_xlsx
from ..filters_incoming import IncomingFilter, ReadingFilter
from ..models import IncomingDocument, Reading
from ..serializers_incoming import (
    IncomingCirculateSerializer,
    IncomingCloseSerializer,
    IncomingCreateSerializer,
    IncomingDetailSerializer,
    IncomingInstructSerializer,
    IncomingProposeSerializer,
    IncomingReviewSerializer,
    IncomingSerializer,
    MarkReadSerializer,
    ReadingDetailSerializer,
    ReadingSerializer,
)
from ..services import incoming as services

paths: list[URLPattern] = []

_STEP = {200: IncomingDetailSerializer}
_FILE = {
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description=gettext_lazy("The file, as an attachment.")
    ),
}


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def incoming_detail_response(user: Any, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    incoming = selectors.incoming_page(user=user, pk=pk)
    context = {
        "assistants": selectors.matter_assistants(matter_id=incoming.matter_id),
        "files": selectors.attachments_of(incoming),
    }
    return Response(IncomingDetailSerializer(incoming, context=context).data, status=status_code)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("The incoming register (收文登记簿): incoming documents visible to you"),
        responses={200: IncomingSerializer(many=True), **error_responses(400, 404)},
    ),
    create=extend_schema(
        summary=gettext_lazy("Register an incoming document (the office); files by multipart/form-data"),
        request=IncomingCreateSerializer,
        responses={201: IncomingDetailSerializer, **error_responses(400, 403, 413)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("An incoming document with its review, proposal, instruction and circulation"),
        responses={200: IncomingDetailSerializer, **error_responses(404)},
    ),
    export=extend_schema(
        summary=gettext_lazy("The incoming register as an XLSX workbook (same filters as the list)"),
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY, description=gettext_lazy("The workbook.")
            ),
            **error_responses(400),
        },
    ),
    review=extend_schema(
        summary=gettext_lazy("Preliminary review (初审, the office); failing returns the document"),
        request=IncomingReviewSerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
    propose=extend_schema(
        summary=gettext_lazy("Propose the handling (拟办, the office) and ask a leader to instruct"),
        request=IncomingProposeSerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
    instruct=extend_schema(
        summary=gettext_lazy("Instruct (批办, the leader asked): creates the matter for the lead department"),
        request=IncomingInstructSerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
    circulate=extend_schema(
        summary=gettext_lazy("Circulate to readers (传阅, the office)"),
        request=IncomingCirculateSerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
    close=extend_schema(
        summary=gettext_lazy("Close with the reply to the sender (办结/答复, the office)"),
        request=IncomingCloseSerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
    archive=extend_schema(
        summary=gettext_lazy("Archive (归档, the office)"),
        request=None,
        responses={**_STEP, **error_responses(403, 404, 409)},
    ),
)
@extend_schema(tags=["documents"])
class IncomingViewSet(viewsets.GenericViewSet):
    queryset = IncomingDocument.objects.none()  # names the model behind {id}; rows come from selectors
    filterset_class = IncomingFilter
    serializer_class = IncomingSerializer
    ordering = ("-id",)

    def _row(self, pk: str) -> IncomingDocument:
        return selectors.incoming_row(user=self.request.user, pk=object_id(pk))

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.incoming_register(user=request.user)))
        return self.get_paginated_response(IncomingSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _valid(IncomingCreateSerializer, request)
        incoming = services.incoming_register(actor=request.user, **data)
        return incoming_detail_response(request.user, incoming.pk, status_code=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return incoming_detail_response(request.user, object_id(pk))

    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request) -> HttpResponse:
        rows = self.filter_queryset(selectors.incoming_register(user=request.user))
        return incoming_register_xlsx(rows)

    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        incoming = self._row(pk)
        data = _valid(IncomingReviewSerializer, request)
        services.incoming_review(incoming=incoming, actor=request.user, **data)
        return incoming_detail_response(request.user, incoming.pk)

    @action(detail=True, methods=["post"])
    def propose(self, request: Request, pk: str) -> Response:
        incoming = self._row(pk)
        data = _valid(IncomingProposeSerializer, request)
        services.incoming_propose(incoming=incoming, actor=request.user, **data)
        return incoming_detail_response(request.user, incoming.pk)

    @action(detail=True, methods=["post"])
    def instruct(self, request: Request, pk: str) -> Response:
        incoming = self._row(pk)
        data = _valid(IncomingInstructSerializer, request)
        services.incoming_instruct(incoming=incoming, actor=request.user, **data)
        return incoming_detail_response(request.user, incoming.pk)

    @action(detail=True, methods=["post"])
    def circulate(self, request: Request, pk: str) -> Response:
        incoming = self._row(pk)
        data = _valid(IncomingCirculateSerializer, request)
        services.incoming_circulate(incoming=incoming, actor=request.user, **data)
        return incoming_detail_response(request.user, incoming.pk)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        incoming = self._row(pk)
        data = _valid(IncomingCloseSerializer, request)
        services.incoming_close(incoming=incoming, actor=request.user, **data)
        return incoming_detail_response(request.user, incoming.pk)

    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str) -> Response:
        incoming = self._row(pk)
        services.incoming_archive(incoming=incoming, actor=request.user)
        return incoming_detail_response(request.user, incoming.pk)


@extend_schema(
    summary=gettext_lazy("Download a file of an incoming document"),
    responses={**_FILE, **error_responses(404)},
    tags=["documents"],
)
class IncomingFileViewSet(viewsets.GenericViewSet):
    queryset = Attachment.objects.none()
    pagination_class = None

    def retrieve(self, request: Request, pk: str) -> HttpResponseBase:
        attachment = selectors.attachment_of_incoming(user=request.user, pk=object_id(pk))
        try:
            return attachment_response(attachment, user=request.user)
        except OSError as missing:  # the row outlived its file
            raise NotFound() from missing


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Your readings (传阅); ?status=pending for those still to read"),
        responses={200: ReadingSerializer(many=True), **error_responses(400, 404)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One reading with its incoming document"),
        responses={200: ReadingDetailSerializer, **error_responses(404)},
    ),
    mark_read=extend_schema(
        summary=gettext_lazy("Mark read (圈阅) with an optional remark (the reader)"),
        request=MarkReadSerializer,
        responses={200: ReadingDetailSerializer, **error_responses(400, 403, 404, 409)},
    ),
)
@extend_schema(tags=["documents"])
class ReadingViewSet(viewsets.GenericViewSet):
    queryset = Reading.objects.none()
    filterset_class = ReadingFilter
    serializer_class = ReadingSerializer
    ordering = ("-id",)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.reading_list(user=request.user)))
        return self.get_paginated_response(ReadingSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        reading = selectors.reading_page(user=request.user, pk=object_id(pk))
        return Response(ReadingDetailSerializer(reading).data)

    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Request, pk: str) -> Response:
        reading = selectors.reading_page(user=request.user, pk=object_id(pk))
        data = _valid(MarkReadSerializer, request)
        services.reading_mark_read(reading=reading, actor=request.user, **data)
        return Response(ReadingDetailSerializer(selectors.reading_page(user=request.user, pk=reading.pk)).data)


def register(router: SimpleRouter) -> None:
    """Add this stage's viewsets to the API router."""
    router.register("incoming", IncomingViewSet, basename="incoming")
    router.register("incoming-files", IncomingFileViewSet, basename="incoming-file")
    router.register("readings", ReadingViewSet, basename="reading")
