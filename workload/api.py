"""REST endpoints of the work-item ledger (API.md, Work items): the list and one item."""

from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import views, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import error_responses, object_id

from . import selectors, urging
from .filters import WorkItemFilter
from .models import WorkItem
from .serializers import UrgeRequestSerializer, UrgeSerializer, WorkItemSerializer


@extend_schema_view(
    list=extend_schema(
        responses={200: WorkItemSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(responses={200: WorkItemSerializer, **error_responses(404)}),
)
@extend_schema(tags=["work-items"])
class WorkItemViewSet(viewsets.GenericViewSet):
    queryset = WorkItem.objects.none()  # names the model behind {id} for the schema; rows come from selectors
    serializer_class = WorkItemSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = WorkItemFilter  # a bad value is a 400 naming the field
    ordering = ("-id",)

    def list(self, request: Request) -> Response:
        # The selector gives the person's rows of the scope asked for (checked first: a bad value is
        # a 400 naming it); the same filters then narrow them by status and kind (validated once:
        # DjangoFilterBackend, which would build and validate them again, stays for the schema).
        if not any(name in request.query_params for name in WorkItemFilter.base_filters):
            # Nothing to filter by (the usual request): the person's own rows, the filter's defaults.
            page = self.paginate_queryset(selectors.workitem_rows(user=request.user))
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        filters = WorkItemFilter(request.query_params, queryset=WorkItem.objects.none(), request=request)
        if not filters.is_valid():
            raise translate_validation(filters.errors)
        rows = selectors.workitem_rows(user=request.user, scope=filters.form.cleaned_data["scope"])
        page = self.paginate_queryset(filters.filter_queryset(rows))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        item = selectors.workitem_get(user=request.user, pk=object_id(pk))  # masked or 404 by the target's rule
        return Response(WorkItemSerializer(item, context={"request": request}).data)


@extend_schema(
    tags=["work-items"],
    request=UrgeRequestSerializer,
    responses={200: UrgeSerializer, **error_responses(400, 403, 404, 409, 429)},
    description="催办: the item's assigner or the office presses the assignee (an `urge` notification). "
    "Once per item per hour: a second urge within the hour is 429.",
)
class WorkItemUrgeView(views.APIView):
    def post(self, request: Request, pk: str) -> Response:
        item = selectors.workitem_get(user=request.user, pk=object_id(pk))
        body = UrgeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        urge = urging.workitem_urge(actor=request.user, item=item, message=body.validated_data["message"])
        return Response(UrgeSerializer(urge).data)
