"""REST endpoints of documents (API.md, Documents): reading packets (阅件) for leaders."""

from typing import Any

from django.http.response import HttpResponseBase
from django.urls import URLPattern
from django.utils.translation import gettext as _
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
from core.errors import NotFound, ValidationError
from core.models import Attachment

from .. import selectors_incoming as selectors
from ..filters_incoming import PacketFilter
from ..models import Document, IncomingDocument, ReadingPacket
from ..serializers_incoming import MarkReadSerializer, PacketCreateSerializer, PacketDetailSerializer, PacketSerializer
from ..services import packets as services

paths: list[URLPattern] = []


def _detail(user: Any, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    packet = selectors.packet_page(user=user, pk=pk)
    context = {"files": selectors.attachments_of(packet)}
    return Response(PacketDetailSerializer(packet, context=context).data, status=status_code)


def _resolve(entries: list[dict[str, Any]]) -> tuple[list[Document], list[IncomingDocument], dict[Any, str]]:
    """The rows the entries name, in order, with their notes. An unknown id is "not found"; the
    service then checks that the compiler may see each row (the same answer when not)."""
    by_kind: dict[str, dict[int, Any]] = {
        "document": Document.objects.in_bulk([e["document"] for e in entries if "document" in e]),
        "incoming": IncomingDocument.objects.in_bulk([e["incoming"] for e in entries if "incoming" in e]),
    }
    chosen: dict[str, list[Any]] = {"document": [], "incoming": []}
    notes: dict[Any, str] = {}
    for entry in entries:
        kind = "document" if "document" in entry else "incoming"
        row = by_kind[kind].get(entry[kind])
        if row is None:
            message = _("Some of these entries were not found.")
            raise ValidationError(message, fields={"entries": [message]})
        chosen[kind].append(row)
        if entry.get("note"):
            notes[row] = entry["note"]
    return chosen["document"], chosen["incoming"], notes


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Reading packets visible to you (a leader's own, or the office's)"),
        responses={200: PacketSerializer(many=True), **error_responses(400, 404)},
    ),
    create=extend_schema(
        summary=gettext_lazy("Compile a reading packet for a leader (the office)"),
        request=PacketCreateSerializer,
        responses={201: PacketDetailSerializer, **error_responses(400, 403, 413)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A reading packet with its cover note, entries and files"),
        responses={200: PacketDetailSerializer, **error_responses(404)},
    ),
    mark_read=extend_schema(
        summary=gettext_lazy("Mark the packet read with a remark (the leader)"),
        request=MarkReadSerializer,
        responses={200: PacketDetailSerializer, **error_responses(400, 403, 404, 409)},
    ),
)
@extend_schema(tags=["documents"])
class PacketViewSet(viewsets.GenericViewSet):
    queryset = ReadingPacket.objects.none()
    filterset_class = PacketFilter
    serializer_class = PacketSerializer
    ordering = ("-id",)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.packet_list(user=request.user)))
        return self.get_paginated_response(PacketSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        serializer = PacketCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        documents, incomings, notes = _resolve(data.pop("entries"))
        packet = services.packet_compile(
            actor=request.user, documents=documents, incomings=incomings, notes=notes, **data
        )
        return _detail(request.user, packet.pk, status_code=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return _detail(request.user, object_id(pk))

    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Request, pk: str) -> Response:
        packet = selectors.packet_row(user=request.user, pk=object_id(pk))
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.packet_mark_read(packet=packet, actor=request.user, **serializer.validated_data)
        return _detail(request.user, packet.pk)


@extend_schema(
    summary=gettext_lazy("Download a file of a reading packet"),
    responses={
        (200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description=gettext_lazy("The file, as an attachment.")
        ),
        **error_responses(404),
    },
    tags=["documents"],
)
class PacketFileViewSet(viewsets.GenericViewSet):
    queryset = Attachment.objects.none()
    pagination_class = None

    def retrieve(self, request: Request, pk: str) -> HttpResponseBase:
        attachment = selectors.attachment_of_packet(user=request.user, pk=object_id(pk))
        try:
            return attachment_response(attachment, user=request.user)
        except OSError as missing:
            raise NotFound() from missing


def register(router: SimpleRouter) -> None:
    """Add this stage's viewsets to the API router."""
    router.register("reading-packets", PacketViewSet, basename="packet")
    router.register("packet-files", PacketFileViewSet, basename="packet-file")
