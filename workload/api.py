"""REST endpoints of the work-item ledger (API.md, Work items): the list and one item."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import error_responses, object_id

from . import selectors
from .models import WorkItem
from .serializers import WorkItemFilterSerializer, WorkItemSerializer


@extend_schema_view(
    list=extend_schema(
        parameters=[WorkItemFilterSerializer],
        responses={200: WorkItemSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(responses={200: WorkItemSerializer, **error_responses(404)}),
)
@extend_schema(tags=["work-items"])
class WorkItemViewSet(viewsets.GenericViewSet):
    queryset = WorkItem.objects.none()  # names the model behind {id} for the schema; rows come from selectors
    serializer_class = WorkItemSerializer
    ordering = ("-id",)

    def list(self, request: Request) -> Response:
        params = WorkItemFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.workitem_list(user=request.user, **params.validated_data))
        return self.get_paginated_response(WorkItemSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(WorkItemSerializer(selectors.workitem_get(user=request.user, pk=object_id(pk))).data)
