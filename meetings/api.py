"""REST endpoints of meetings (API.md, Meetings): rooms, the clash check, scheduling.

A meeting is looked up through the selector first (one the person may not see is a 404 on every
endpoint); the services then decide who may change it and whether it clashes (409 ``clash`` with
``conflicts``).
"""

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import error_responses, object_id

from . import recurrence, selectors, services, slots
from .filters import MeetingFilter
from .models import Meeting, Room
from .serializers import (
    CancelSerializer,
    CheckResultSerializer,
    ClashErrorSerializer,
    MeetingDetailSerializer,
    MeetingInputSerializer,
    MeetingPatchSerializer,
    MeetingSerializer,
    RoomCreateSerializer,
    RoomSerializer,
)
from .slot_serializers import FreeSlotsInputSerializer, FreeSlotsSerializer

_CLASH = {409: OpenApiResponse(ClashErrorSerializer, description=gettext_lazy("A clash: see `conflicts`."))}


def _valid(serializer_class: type, request: Request, *, partial: bool = False) -> dict[str, Any]:
    data = serializer_class(data=request.data, partial=partial)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Meeting rooms"), responses={200: RoomSerializer(many=True), **error_responses(400, 404)}
    ),
    create=extend_schema(
        summary=gettext_lazy("Add a meeting room (administrators)"),
        request=RoomCreateSerializer,
        responses={201: RoomSerializer, **error_responses(400, 403)},
    ),
)
@extend_schema(tags=["meetings"])
class RoomViewSet(viewsets.GenericViewSet):
    queryset = Room.objects.none()
    serializer_class = RoomSerializer
    ordering = ("id",)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.room_list(user=request.user).order_by("id"))
        return self.get_paginated_response(RoomSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _valid(RoomCreateSerializer, request)
        room = services.room_create(actor=request.user, **data)
        return Response(RoomSerializer(room).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Meetings visible to you, by start"),
        responses={200: MeetingSerializer(many=True), **error_responses(400, 404)},
    ),
    create=extend_schema(
        summary=gettext_lazy("Schedule a meeting"),
        request=MeetingInputSerializer,
        responses={201: MeetingDetailSerializer, **error_responses(400, 403), **_CLASH},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A meeting with its attendees"),
        responses={200: MeetingDetailSerializer, **error_responses(404)},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Reschedule or change a meeting (the organizer or the office)"),
        request=MeetingPatchSerializer,
        responses={200: MeetingDetailSerializer, **error_responses(400, 403, 404), **_CLASH},
    ),
    check=extend_schema(
        summary=gettext_lazy("The clashes a meeting would have; nothing is saved"),
        request=MeetingInputSerializer,
        responses={200: CheckResultSerializer, **error_responses(400)},
    ),
    free_slots=extend_schema(
        summary=gettext_lazy("The earliest free slots for some people, with the rooms free then"),
        request=FreeSlotsInputSerializer,
        responses={200: FreeSlotsSerializer, **error_responses(400)},
    ),
    cancel=extend_schema(
        summary=gettext_lazy("Cancel a meeting (the organizer or the office)"),
        request=CancelSerializer,
        responses={200: MeetingDetailSerializer, **error_responses(400, 403, 404, 409)},
    ),
)
@extend_schema(tags=["meetings"])
class MeetingViewSet(viewsets.GenericViewSet):
    queryset = Meeting.objects.none()  # names the model behind {id} for the schema; rows come from selectors
    filterset_class = MeetingFilter
    serializer_class = MeetingSerializer
    ordering = ("start", "id")

    def _meeting(self, pk: str) -> Meeting:
        return selectors.meeting_get(user=self.request.user, pk=object_id(pk))

    def _detail(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(MeetingDetailSerializer(selectors.meeting_get(user=self.request.user, pk=pk)).data, status_code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.meeting_list(user=request.user)))
        return self.get_paginated_response(MeetingSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _valid(MeetingInputSerializer, request)
        repeat = data.pop("recurrence", None)
        if repeat is None:
            meeting = services.meeting_create(actor=request.user, **data)
            return self._detail(meeting.pk, status_code=status.HTTP_201_CREATED)
        series = recurrence.meeting_create_series(actor=request.user, **repeat, **data)
        response = self._detail(series[0].pk, status_code=status.HTTP_201_CREATED)
        response.data["occurrences"] = [m.pk for m in series]
        return response

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(MeetingDetailSerializer(self._meeting(pk)).data)

    def partial_update(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(pk)
        data = _valid(MeetingPatchSerializer, request, partial=True)
        recurrence.meeting_reschedule_scoped(actor=request.user, meeting=meeting, **data)
        return self._detail(meeting.pk)

    @action(detail=False, methods=["post"])
    def check(self, request: Request) -> Response:
        data = _valid(MeetingInputSerializer, request)
        data.pop("override_reason", None)
        repeat = data.pop("recurrence", None)
        if repeat is not None:  # every occurrence's clashes, each with its date
            by_date = recurrence.series_check(actor=request.user, **repeat, **data)
            return Response(CheckResultSerializer({"conflicts": recurrence.flat_conflicts(by_date)}).data)
        clashes = services.meeting_check(actor=request.user, **data)
        return Response(CheckResultSerializer({"conflicts": [c.as_data() for c in clashes]}).data)

    @action(detail=False, methods=["post"], url_path="free-slots")
    def free_slots(self, request: Request) -> Response:
        data = _valid(FreeSlotsInputSerializer, request)
        found = slots.find_free_slots(
            viewer=request.user,
            attendee_ids=data["attendees"],
            duration_minutes=data["duration_minutes"],
            window_start=data["window_start"],
            window_end=data["window_end"],
            min_capacity=data["min_capacity"],
        )
        return Response(FreeSlotsSerializer({"slots": [s.as_data() for s in found]}).data)

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(pk)
        data = _valid(CancelSerializer, request)
        recurrence.meeting_cancel_scoped(actor=request.user, meeting=meeting, **data)
        return self._detail(meeting.pk)
