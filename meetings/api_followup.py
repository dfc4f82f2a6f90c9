"""REST endpoints of a meeting's follow-up (API.md, Meetings): ``respond``, ``agenda-items``,
``agenda-items/{id}/decide``, ``minutes``, ``decisions``; and ``positions`` / ``resolution`` of a
coordination meeting.

Each looks the meeting (or agenda item) up through the selectors first: what the person may not see
is a 404 on every endpoint. The services then decide who may act (403) and whether the state allows
it (409).
"""

from typing import Any

from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import error_responses, object_id
from core.attachments import attachment_response
from core.models import Attachment

from . import selectors_followup as reads
from . import services_followup as writes
from .models import AgendaItem, Attendee, Meeting
from .serializers_followup import (
    AgendaDecideSerializer,
    AgendaItemInputSerializer,
    AgendaItemSerializer,
    AgendaMoveSerializer,
    AgendaPublishedSerializer,
    AttendanceSerializer,
    DecisionCreatedSerializer,
    DecisionInputSerializer,
    DecisionSerializer,
    MeetingRespondSerializer,
    MinutesInputSerializer,
    MinutesIssuedSerializer,
    MinutesSerializer,
    PositionInputSerializer,
    PositionSerializer,
    PublishedMinutesSerializer,
    ResolutionInputSerializer,
)
from .services import may_manage


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


@extend_schema(tags=["meetings"])
class MeetingFollowupViewSet(viewsets.GenericViewSet):
    """The follow-up actions under ``/meetings/{id}/`` (only extra actions: the meeting itself is
    ``MeetingViewSet``'s)."""

    queryset = Meeting.objects.none()  # names the model behind {id} for the schema
    pagination_class = None

    def _meeting(self, pk: str) -> Meeting:
        return reads.meeting_for_followup(user=self.request.user, pk=object_id(pk))

    @extend_schema(
        summary=gettext_lazy("Reply to an invitation: accept, decline or send a delegate"),
        request=MeetingRespondSerializer,
        responses={200: AttendanceSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(pk)
        data = _valid(MeetingRespondSerializer, request)
        row = writes.attendance_respond(actor=request.user, meeting=meeting, **data)
        fresh = Attendee.objects.select_related("user", "delegate").get(pk=row.pk)
        return Response(AttendanceSerializer(fresh).data)

    @extend_schema(
        methods=["GET"],
        summary=gettext_lazy("The meeting's agenda items you may see (accepted ones in order first)"),
        responses={200: AgendaItemSerializer(many=True), **error_responses(404)},
    )
    @extend_schema(
        methods=["POST"],
        summary=gettext_lazy("Propose an agenda item for your department; materials by multipart/form-data"),
        request=AgendaItemInputSerializer,
        responses={201: AgendaItemSerializer, **error_responses(400, 403, 404, 409, 413)},
    )
    @action(detail=True, methods=["get", "post"], url_path="agenda-items")
    def agenda_items(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(pk)
        if request.method == "GET":
            return Response(AgendaItemSerializer(reads.agenda_of(user=request.user, meeting=meeting), many=True).data)
        data = _valid(AgendaItemInputSerializer, request)
        item = writes.agenda_item_propose(actor=request.user, meeting=meeting, **data)
        shown = reads.agenda_item_detail(user=request.user, pk=item.pk)
        return Response(AgendaItemSerializer(shown).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Publish the accepted agenda to the attendees (the organizer or the office)"),
        request=None,
        responses={200: AgendaPublishedSerializer, **error_responses(403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="agenda/publish")
    def agenda_publish(self, request: Request, pk: str) -> Response:
        count = writes.agenda_publish(actor=request.user, meeting=self._meeting(pk))
        return Response({"items": count})

    @extend_schema(
        methods=["GET"],
        summary=gettext_lazy("The minutes (the working copy only for the organizer and the office)"),
        responses={200: MinutesSerializer, **error_responses(404)},
    )
    @extend_schema(
        methods=["PUT"],
        summary=gettext_lazy("Write the minutes (the organizer or the office); publish: true sends them"),
        request=MinutesInputSerializer,
        responses={200: MinutesSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "put"])
    def minutes(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(pk)
        if request.method == "PUT":
            data = _valid(MinutesInputSerializer, request)
            writes.minutes_save(actor=request.user, meeting=meeting, **data)
        minutes = reads.minutes_of(meeting=meeting)
        if minutes is None:
            raise NotFound()
        if may_manage(request.user, meeting):
            return Response(MinutesSerializer(minutes).data)
        if minutes.published_at is None and not minutes.resolution:
            raise NotFound()
        return Response(PublishedMinutesSerializer(minutes).data)

    @extend_schema(
        summary=gettext_lazy("Issue the published minutes as a 纪要 document draft"),
        request=None,
        responses={201: MinutesIssuedSerializer, **error_responses(403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="minutes/issue")
    def minutes_issue(self, request: Request, pk: str) -> Response:
        document = writes.minutes_issue(actor=request.user, meeting=self._meeting(pk))
        return Response({"document": document.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary=gettext_lazy("The meeting's decisions with their matters' progress"),
        responses={200: DecisionSerializer(many=True), **error_responses(404)},
    )
    @extend_schema(
        methods=["POST"],
        summary=gettext_lazy("Record a decision; it becomes a supervised matter (the organizer or the office)"),
        description=gettext_lazy(
            "The matter follows the matters' own visibility, also for a private meeting: the office and the "
            "bureau's leaders see it (it is supervised, 督办), while the meeting stays private. It carries the "
            "meeting's classification."
        ),
        request=DecisionInputSerializer,
        responses={201: DecisionCreatedSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"])
    def decisions(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(pk)
        if request.method == "GET":
            return Response(DecisionSerializer(reads.decisions_of(meeting=meeting), many=True).data)
        data = _valid(DecisionInputSerializer, request)
        decision = writes.decision_record(actor=request.user, meeting=meeting, **data)
        return Response(DecisionCreatedSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary=gettext_lazy("A coordination meeting's party positions"),
        responses={200: PositionSerializer(many=True), **error_responses(404)},
    )
    @extend_schema(
        methods=["POST"],
        summary=gettext_lazy("Record a department's position (the organizer, the office or that department's head)"),
        description=gettext_lazy(
            "A department's head records only for a party department: the organizing department or the "
            "department of an invited person (403 otherwise); the organizer and the office for any department."
        ),
        request=PositionInputSerializer,
        responses={201: PositionSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"])
    def positions(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(pk)
        if request.method == "GET":
            return Response(PositionSerializer(reads.positions_of(meeting=meeting), many=True).data)
        data = _valid(PositionInputSerializer, request)
        position = writes.position_record(actor=request.user, meeting=meeting, **data)
        return Response(PositionSerializer(position).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Record a coordination meeting's agreed resolution (the organizer or the office)"),
        request=ResolutionInputSerializer,
        responses={200: PublishedMinutesSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["put"])
    def resolution(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(pk)  # a meeting one may not see is a 404 before the body is read
        data = _valid(ResolutionInputSerializer, request)
        minutes = writes.resolution_record(actor=request.user, meeting=meeting, **data)
        return Response(PublishedMinutesSerializer(minutes).data)


@extend_schema(tags=["meetings"])
class AgendaItemViewSet(viewsets.GenericViewSet):
    """``/agenda-items/{id}/decide/``: the organizer's decision on a proposed item; ``move``: its place."""

    queryset = AgendaItem.objects.none()
    pagination_class = None

    @extend_schema(
        summary=gettext_lazy("Accept or decline a proposed agenda item (the organizer or the office)"),
        request=AgendaDecideSerializer,
        responses={200: AgendaItemSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        item = reads.agenda_item_get(user=request.user, pk=object_id(pk))
        data = _valid(AgendaDecideSerializer, request)
        writes.agenda_item_decide(actor=request.user, item=item, **data)
        return Response(AgendaItemSerializer(reads.agenda_item_detail(user=request.user, pk=item.pk)).data)

    @extend_schema(
        summary=gettext_lazy("Move an accepted agenda item to another place (the organizer or the office)"),
        request=AgendaMoveSerializer,
        responses={200: AgendaItemSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        item = reads.agenda_item_get(user=request.user, pk=object_id(pk))
        data = _valid(AgendaMoveSerializer, request)
        writes.agenda_item_move(actor=request.user, item=item, **data)
        return Response(AgendaItemSerializer(reads.agenda_item_detail(user=request.user, pk=item.pk)).data)


@extend_schema(
    summary=gettext_lazy("Download an agenda item's material"),
    responses={
        (200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description=gettext_lazy("The file, as an attachment.")
        ),
        **error_responses(404),
    },
    tags=["meetings"],
)
class AgendaMaterialViewSet(viewsets.GenericViewSet):
    queryset = Attachment.objects.none()
    pagination_class = None

    def retrieve(self, request: Request, pk: str) -> HttpResponseBase:
        try:
            return attachment_response(reads.material_get(user=request.user, pk=object_id(pk)), user=request.user)
        except OSError as missing:
            raise NotFound() from missing
