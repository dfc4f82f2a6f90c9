"""REST endpoints of relations (API.md, Relations): coordination matters.

Every matter is looked up through the selector first, so that one the person may not see is a 404
on every endpoint (never a 403); the services then decide who may act.
"""

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from core.api import error_responses, object_id
from core.errors import NotFound
from meetings.models import Meeting

from . import selectors
from . import services_coordination as services
from .models import CoordinationMatter
from .serializers import (
    CoordinationArbitrateSerializer,
    CoordinationCreateSerializer,
    CoordinationDetailSerializer,
    CoordinationDisputeSerializer,
    CoordinationEscalateSerializer,
    CoordinationMeetingSerializer,
    CoordinationRespondSerializer,
    CoordinationSerializer,
)


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


_STEP = {200: CoordinationDetailSerializer}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Coordination matters visible to you"),
        responses={200: CoordinationSerializer(many=True), **error_responses(400)},
    ),
    create=extend_schema(
        summary=gettext_lazy("Raise a coordination matter (anyone)"),
        request=CoordinationCreateSerializer,
        responses={201: CoordinationDetailSerializer, **error_responses(400)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A coordination matter with its departments' answers"),
        responses={200: CoordinationDetailSerializer, **error_responses(404)},
    ),
    respond=extend_schema(
        summary=gettext_lazy("Accept, or decline with a reason (the department's head or delegate)"),
        request=CoordinationRespondSerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
    arbitrate=extend_schema(
        summary=gettext_lazy("Rule: reassign lead and cooperating departments (the office)"),
        request=CoordinationArbitrateSerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
    dispute=extend_schema(
        summary=gettext_lazy("Dispute an accepted matter with a reason (the department's head or delegate)"),
        request=CoordinationDisputeSerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
    escalate=extend_schema(
        summary=gettext_lazy("Escalate to a leader for a ruling instead of ruling (the office)"),
        request=CoordinationEscalateSerializer,
        responses={**_STEP, **error_responses(400, 403, 404, 409)},
    ),
    meeting=extend_schema(
        summary=gettext_lazy("Link the coordination meeting held on it (the office or the raiser)"),
        request=CoordinationMeetingSerializer,
        responses={**_STEP, **error_responses(400, 403, 404)},
    ),
)
@extend_schema(tags=["relations"])
class CoordinationViewSet(viewsets.GenericViewSet):
    queryset = CoordinationMatter.objects.none()  # names the model behind {id}; rows come from selectors
    serializer_class = CoordinationSerializer
    ordering = ("-id",)

    def _coordination(self, pk: str) -> CoordinationMatter:
        return selectors.coordination_get(user=self.request.user, pk=object_id(pk))

    def _after_step(self, coordination: CoordinationMatter, *, status_code: int = status.HTTP_200_OK) -> Response:
        found = selectors.coordination_get_after_step(pk=coordination.pk)
        return Response(CoordinationDetailSerializer(found).data, status=status_code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.coordination_list(user=request.user))
        return self.get_paginated_response(CoordinationSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _valid(CoordinationCreateSerializer, request)
        coordination = services.coordination_raise(actor=request.user, **data)
        return self._after_step(coordination, status_code=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(CoordinationDetailSerializer(self._coordination(pk)).data)

    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str) -> Response:
        coordination = self._coordination(pk)
        data = _valid(CoordinationRespondSerializer, request)
        services.coordination_respond(actor=request.user, coordination=coordination, **data)
        return self._after_step(coordination)

    @action(detail=True, methods=["post"])
    def arbitrate(self, request: Request, pk: str) -> Response:
        coordination = self._coordination(pk)
        data = _valid(CoordinationArbitrateSerializer, request)
        services.coordination_arbitrate(actor=request.user, coordination=coordination, **data)
        return self._after_step(coordination)

    @action(detail=True, methods=["post"])
    def dispute(self, request: Request, pk: str) -> Response:
        coordination = self._coordination(pk)
        data = _valid(CoordinationDisputeSerializer, request)
        services.coordination_dispute(actor=request.user, coordination=coordination, **data)
        return self._after_step(coordination)

    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str) -> Response:
        coordination = self._coordination(pk)
        data = _valid(CoordinationEscalateSerializer, request)
        leader = User.objects.filter(pk=data["leader"]).first()  # None: the service's 400 (after its 403)
        services.coordination_escalate_to_leader(
            actor=request.user, coordination=coordination, leader=leader, note=data["note"]
        )
        return self._after_step(coordination)

    @action(detail=True, methods=["post"])
    def meeting(self, request: Request, pk: str) -> Response:
        coordination = self._coordination(pk)
        data = _valid(CoordinationMeetingSerializer, request)
        meeting = Meeting.objects.filter(pk=data["meeting"]).first()
        if meeting is None:
            raise NotFound()
        services.coordination_link_meeting(actor=request.user, coordination=coordination, meeting=meeting)
        return self._after_step(coordination)
