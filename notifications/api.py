"""REST endpoints of notifications (API.md): list, mark one read, mark all read."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import error_responses, object_id

from . import selectors, services
from .filters import NotificationFilter
from .models import Notification
from .presentation import present
from .serializers import MarkedSerializer, NotificationSerializer


@extend_schema_view(
    list=extend_schema(
        responses={200: NotificationSerializer(many=True), **error_responses(400)},
    ),
    read=extend_schema(request=None, responses={200: NotificationSerializer, **error_responses(404)}),
    read_all=extend_schema(request=None, responses={200: MarkedSerializer, **error_responses()}),
)
@extend_schema(tags=["notifications"])
class NotificationViewSet(viewsets.GenericViewSet):
    queryset = Notification.objects.none()  # names the model behind {id} for the schema; rows come from selectors
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering = ("-id",)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.notification_list(user=request.user)))
        # One visibility question for the page; each row in the reader's language, masked where needed.
        present(page, reader=request.user)
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = services.notification_mark_read(user=request.user, notification_id=object_id(pk))
        present([notification], reader=request.user)
        return Response(NotificationSerializer(notification).data)

    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})
