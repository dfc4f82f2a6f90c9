"""REST endpoints of affairs (API.md, Affairs): matters and their steps, receptions, work plans.

Every object is looked up through a selector first, so that one the person may not see is a 404
on every endpoint (never a 403), whatever the body says; the services then decide who may act.
"""

from typing import Any

from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import error_responses, object_id
from core.attachments import attachment_response
from core.errors import NotFound
from core.models import Attachment

from . import selectors, services
from .filters import MatterFilter, ReceptionFilter, WorkPlanFilter
from .models import Arrangement, Matter, Reception, WorkPlan, WorkPlanItem
from .serializers import (
    ArrangedSerializer,
    ArrangementSerializer,
    CreatedMatterSerializer,
    MatterCancelSerializer,
    MatterCompleteSerializer,
    MatterConfirmSerializer,
    MatterCreateSerializer,
    MatterDetailSerializer,
    MatterProgressInputSerializer,
    MatterSerializer,
    MatterTransferSerializer,
    PlanItemInputSerializer,
    PlanItemToMatterSerializer,
    ReceptionCreateSerializer,
    ReceptionDetailSerializer,
    ReceptionSerializer,
    ReceptionStatusSerializer,
    WorkPlanCreateSerializer,
    WorkPlanDetailSerializer,
    WorkPlanItemSerializer,
    WorkPlanSerializer,
)


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


# --- Matters ----------------------------------------------------------------------------------

_MATTER_STEP = {200: MatterDetailSerializer}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Matters visible to you"),
        responses={200: MatterSerializer(many=True), **error_responses(400, 404)},
    ),
    create=extend_schema(
        summary=gettext_lazy("Assign a matter"),
        request=MatterCreateSerializer,
        responses={201: MatterDetailSerializer, **error_responses(400, 403)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A matter with its progress reports and timeline"),
        responses={200: MatterDetailSerializer, **error_responses(404)},
    ),
    progress=extend_schema(
        summary=gettext_lazy("Report progress (an owner); files by multipart/form-data"),
        request=MatterProgressInputSerializer,
        responses={**_MATTER_STEP, **error_responses(400, 403, 404, 409, 413)},
    ),
    transfer=extend_schema(
        summary=gettext_lazy("Transfer to another lead owner (转办), with a reason"),
        request=MatterTransferSerializer,
        responses={**_MATTER_STEP, **error_responses(400, 403, 404, 409)},
    ),
    complete=extend_schema(
        summary=gettext_lazy("Report complete with a closing report (the lead owner)"),
        request=MatterCompleteSerializer,
        responses={**_MATTER_STEP, **error_responses(400, 403, 404, 409)},
    ),
    confirm=extend_schema(
        summary=gettext_lazy("Confirm as done (办结) or send back (the assigner)"),
        request=MatterConfirmSerializer,
        responses={**_MATTER_STEP, **error_responses(400, 403, 404, 409)},
    ),
    cancel=extend_schema(
        summary=gettext_lazy("Cancel (the assigner or the office)"),
        request=MatterCancelSerializer,
        responses={**_MATTER_STEP, **error_responses(400, 403, 404, 409)},
    ),
)
@extend_schema(tags=["affairs"])
class MatterViewSet(viewsets.GenericViewSet):
    queryset = Matter.objects.none()  # names the model behind {id} for the schema; rows come from selectors
    filterset_class = MatterFilter
    serializer_class = MatterSerializer
    ordering = ("-id",)  # keyset: a deep page costs what the first one does

    def _matter(self, pk: str) -> Matter:
        return selectors.matter_get(user=self.request.user, pk=object_id(pk))

    def _detail(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        matter = selectors.matter_get(user=self.request.user, pk=pk)
        return Response(MatterDetailSerializer(matter).data, status=status_code)

    def _after_step(self, matter: Matter) -> Response:
        # The matter as the step left it, even when the step took it out of the person's sight
        # (a lead who transfers it away is no longer an owner); their next GET is a 404.
        return Response(MatterDetailSerializer(selectors.matter_get_after_step(pk=matter.pk)).data)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.matter_list(user=request.user)))
        return self.get_paginated_response(MatterSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _valid(MatterCreateSerializer, request)
        matter = services.matter_create(actor=request.user, **data)
        return self._detail(matter.pk, status_code=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(MatterDetailSerializer(self._matter(pk)).data)

    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        matter = self._matter(pk)
        data = _valid(MatterProgressInputSerializer, request)
        services.matter_report_progress(actor=request.user, matter=matter, **data)
        return self._after_step(matter)

    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str) -> Response:
        matter = self._matter(pk)
        data = _valid(MatterTransferSerializer, request)
        services.matter_transfer(actor=request.user, matter=matter, **data)
        return self._after_step(matter)

    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        matter = self._matter(pk)
        data = _valid(MatterCompleteSerializer, request)
        services.matter_complete(actor=request.user, matter=matter, **data)
        return self._after_step(matter)

    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        matter = self._matter(pk)
        data = _valid(MatterConfirmSerializer, request)
        services.matter_confirm(actor=request.user, matter=matter, **data)
        return self._after_step(matter)

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        matter = self._matter(pk)
        data = _valid(MatterCancelSerializer, request)
        services.matter_cancel(actor=request.user, matter=matter, **data)
        return self._after_step(matter)


@extend_schema(
    summary=gettext_lazy("Download an attachment of a progress report"),
    responses={
        (200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description=gettext_lazy("The file, as an attachment.")
        ),
        **error_responses(404),
    },
    tags=["affairs"],
)
class MatterAttachmentViewSet(viewsets.GenericViewSet):
    queryset = Attachment.objects.none()  # names the model behind {id} for the schema
    pagination_class = None

    def retrieve(self, request: Request, pk: str) -> HttpResponseBase:
        attachment = selectors.matter_attachment_get(user=request.user, pk=object_id(pk))
        try:
            return attachment_response(attachment, user=request.user)
        except OSError as missing:  # the row outlived its file (a restore, a cleanup): not there
            raise NotFound() from missing


# --- Receptions -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Receptions visible to you"),
        responses={200: ReceptionSerializer(many=True), **error_responses(400, 404)},
    ),
    create=extend_schema(
        summary=gettext_lazy("Plan a reception (the office, leaders, department heads)"),
        request=ReceptionCreateSerializer,
        responses={201: ReceptionDetailSerializer, **error_responses(400, 403)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A reception with its visitors and arrangements (接待方案)"),
        responses={200: ReceptionDetailSerializer, **error_responses(404)},
    ),
    set_status=extend_schema(
        summary=gettext_lazy("Confirm, close or cancel a reception (the organizer or the office)"),
        request=ReceptionStatusSerializer,
        responses={200: ReceptionDetailSerializer, **error_responses(400, 403, 404, 409)},
    ),
)
@extend_schema(tags=["affairs"])
class ReceptionViewSet(viewsets.GenericViewSet):
    queryset = Reception.objects.none()  # names the model behind {id} for the schema
    filterset_class = ReceptionFilter
    serializer_class = ReceptionSerializer
    ordering = ("-arrival", "-id")

    def _detail(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        reception = selectors.reception_get(user=self.request.user, pk=pk)
        return Response(ReceptionDetailSerializer(reception).data, status=status_code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.reception_list(user=request.user)))
        return self.get_paginated_response(ReceptionSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _valid(ReceptionCreateSerializer, request)
        data["visitors"] = [(v["name"], v["title"]) for v in data["visitors"]]
        data["arrangements"] = [services.ArrangementSpec(**a) for a in data["arrangements"]]
        reception = services.reception_create(actor=request.user, **data)
        return self._detail(reception.pk, status_code=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(object_id(pk))

    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str) -> Response:
        reception = selectors.reception_get(user=request.user, pk=object_id(pk))
        data = _valid(ReceptionStatusSerializer, request)
        services.reception_set_status(actor=request.user, reception=reception, **data)
        return self._detail(reception.pk)


@extend_schema_view(
    retrieve=extend_schema(
        summary=gettext_lazy("One arrangement of a reception"),
        responses={200: ArrangementSerializer, **error_responses(404)},
    ),
    arranged=extend_schema(
        summary=gettext_lazy("Mark an arrangement made (its owner or the office)"),
        request=ArrangedSerializer,
        responses={200: ArrangementSerializer, **error_responses(400, 403, 404, 409)},
    ),
)
@extend_schema(tags=["affairs"])
class ArrangementViewSet(viewsets.GenericViewSet):
    queryset = Arrangement.objects.none()  # names the model behind {id} for the schema
    serializer_class = ArrangementSerializer

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ArrangementSerializer(selectors.arrangement_get(user=request.user, pk=object_id(pk))).data)

    @action(detail=True, methods=["post"])
    def arranged(self, request: Request, pk: str) -> Response:
        arrangement = selectors.arrangement_get(user=request.user, pk=object_id(pk))
        data = _valid(ArrangedSerializer, request)
        arrangement = services.arrangement_mark_arranged(actor=request.user, arrangement=arrangement, **data)
        return Response(ArrangementSerializer(arrangement).data)


# --- Work plans -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Work plans visible to you"),
        responses={200: WorkPlanSerializer(many=True), **error_responses(400, 404)},
    ),
    create=extend_schema(
        summary=gettext_lazy("Make a work plan with its items (the department's head, the office, leaders)"),
        request=WorkPlanCreateSerializer,
        responses={201: WorkPlanDetailSerializer, **error_responses(400, 403)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A work plan; each item shows its matter's progress"),
        responses={200: WorkPlanDetailSerializer, **error_responses(404)},
    ),
    items=extend_schema(
        summary=gettext_lazy("Add an item to a plan"),
        request=PlanItemInputSerializer,
        responses={201: WorkPlanItemSerializer, **error_responses(400, 403, 404)},
    ),
)
@extend_schema(tags=["affairs"])
class WorkPlanViewSet(viewsets.GenericViewSet):
    queryset = WorkPlan.objects.none()  # names the model behind {id} for the schema
    filterset_class = WorkPlanFilter
    serializer_class = WorkPlanSerializer
    ordering = ("-period_start", "-id")

    def _detail(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        plan = selectors.plan_get(user=self.request.user, pk=pk)
        return Response(WorkPlanDetailSerializer(plan).data, status=status_code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.plan_list(user=request.user)))
        return self.get_paginated_response(WorkPlanSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _valid(WorkPlanCreateSerializer, request)
        data["items"] = [services.PlanItemSpec(**item) for item in data["items"]]
        plan = services.plan_create_with_items(actor=request.user, **data)
        return self._detail(plan.pk, status_code=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(object_id(pk))

    @action(detail=True, methods=["post"])
    def items(self, request: Request, pk: str) -> Response:
        plan = selectors.plan_get(user=request.user, pk=object_id(pk))
        data = _valid(PlanItemInputSerializer, request)
        item = services.plan_item_add(actor=request.user, plan=plan, **data)
        return Response(WorkPlanItemSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    to_matter=extend_schema(
        summary=gettext_lazy("Follow a plan item as a matter"),
        request=PlanItemToMatterSerializer,
        responses={201: CreatedMatterSerializer, **error_responses(400, 403, 404, 409)},
    ),
)
@extend_schema(tags=["affairs"])
class PlanItemViewSet(viewsets.GenericViewSet):
    queryset = WorkPlanItem.objects.none()  # names the model behind {id} for the schema
    serializer_class = CreatedMatterSerializer

    @action(detail=True, methods=["post"], url_path="to-matter")
    def to_matter(self, request: Request, pk: str) -> Response:
        item = selectors.plan_item_get(user=request.user, pk=object_id(pk))
        data = _valid(PlanItemToMatterSerializer, request)
        matter = services.plan_item_to_matter(actor=request.user, item=item, **data)
        return Response({"matter": matter.pk}, status=status.HTTP_201_CREATED)
