"""REST endpoints of leader bulletins (API.md, Relations: bulletins).

Every bulletin is looked up through the selector first, so that one the person may not see is a 404
on every endpoint (never a 403); the services then decide who may act.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from core.api import error_responses, object_id
from core.errors import ValidationError

from . import bulletin_selectors as selectors
from . import bulletin_services as services
from .bulletin_models import Bulletin
from .bulletin_serializers import (
    BulletinCreateSerializer,
    BulletinDetailSerializer,
    BulletinListQuerySerializer,
    BulletinReplyCreateSerializer,
    BulletinReplySerializer,
    BulletinSerializer,
)
from .models import CoordinationMatter


def _valid(serializer_class: type, data: Any) -> dict[str, Any]:
    checked = serializer_class(data=data)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


def _people(ids: list[int]) -> list[User]:
    """The people named by id, in the order given; an unknown id is a 400 on ``recipients``."""
    found = User.objects.in_bulk(set(ids))
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        message = _("Unknown person: %(ids)s.") % {"ids": ", ".join(missing)}
        raise ValidationError(message, fields={"recipients": [message]})
    return [found[pk] for pk in ids]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Bulletins visible to you (the office: all it circulated; a leader: received)"),
        parameters=[BulletinListQuerySerializer],
        responses={200: BulletinSerializer(many=True), **error_responses(400)},
    ),
    create=extend_schema(
        summary=gettext_lazy("Circulate a bulletin to leaders (the office)"),
        request=BulletinCreateSerializer,
        responses={201: BulletinDetailSerializer, **error_responses(400, 403)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A bulletin with its read receipts and replies"),
        responses={200: BulletinDetailSerializer, **error_responses(404)},
    ),
    read=extend_schema(
        summary=gettext_lazy("Mark the bulletin read (a recipient; again changes nothing)"),
        request=None,
        responses={200: BulletinDetailSerializer, **error_responses(403, 404)},
    ),
    replies=extend_schema(
        summary=gettext_lazy("Reply on the bulletin (the office or a recipient)"),
        request=BulletinReplyCreateSerializer,
        responses={201: BulletinReplySerializer, **error_responses(400, 403, 404)},
    ),
)
@extend_schema(tags=["relations"], parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
class BulletinViewSet(viewsets.GenericViewSet):
    queryset = Bulletin.objects.none()  # names the model behind {id}; rows come from the selectors
    serializer_class = BulletinSerializer
    ordering = ("-id",)

    def _bulletin(self, pk: str) -> Bulletin:
        return selectors.bulletin_get(user=self.request.user, pk=object_id(pk))

    def _detail(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        found = selectors.bulletin_get(user=self.request.user, pk=pk)
        return Response(BulletinDetailSerializer(found).data, status=status_code)

    def list(self, request: Request) -> Response:
        query = _valid(BulletinListQuerySerializer, request.query_params)
        page = self.paginate_queryset(selectors.bulletin_list(user=request.user, unread=query.get("unread")))
        return self.get_paginated_response(BulletinSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        data = _valid(BulletinCreateSerializer, request.data)
        coordination = None
        if data["coordination"] is not None:
            coordination = CoordinationMatter.objects.filter(pk=data["coordination"]).first()
            if coordination is None:
                message = _("Choose a coordination matter you can see.")
                raise ValidationError(message, fields={"coordination": [message]})
        bulletin = services.bulletin_circulate(
            actor=request.user,
            title=data["title"],
            body=data["body"],
            recipients=_people(data["recipients"]),
            kind=data["kind"],
            classification=data["classification"],
            coordination=coordination,
        )
        return self._detail(bulletin.pk, status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(BulletinDetailSerializer(self._bulletin(pk)).data)

    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        bulletin = self._bulletin(pk)
        services.bulletin_read(actor=request.user, bulletin=bulletin)
        return self._detail(bulletin.pk)

    @action(detail=True, methods=["post"])
    def replies(self, request: Request, pk: str) -> Response:
        bulletin = self._bulletin(pk)
        data = _valid(BulletinReplyCreateSerializer, request.data)
        reply = services.bulletin_reply(actor=request.user, bulletin=bulletin, text=data["text"])
        return Response(BulletinReplySerializer(reply).data, status=status.HTTP_201_CREATED)
