"""``GET /api/v1/search/?q=``: what the search page finds, as JSON, cursor-paginated."""

import base64
import binascii
from typing import Any
from urllib.parse import parse_qs, urlencode

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, views
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.api import error_responses

from . import search as index

MAX_PAGE_SIZE = 200
INVALID_CURSOR = "Invalid cursor"


class HitSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="`document`, `incoming_document` or `matter`.")
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="HTML: escaped, the words found in `<mark>`.")
    snippet = serializers.CharField(help_text="HTML: a passage of the text, escaped, the words found in `<mark>`.")
    url = serializers.CharField(allow_null=True)


class SearchPageSerializer(serializers.Serializer):
    results = HitSerializer(many=True)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


def encode_cursor(position: index.Position, *, backwards: bool) -> str:
    """A cursor as DRF writes them (base64 of ``p=<position>``, ``r=1`` to read backwards)."""
    query = urlencode({**({"r": "1"} if backwards else {}), "p": position.encode()})
    return base64.b64encode(query.encode("ascii")).decode("ascii")


def decode_cursor(cursor: str | None) -> tuple[index.Position | None, bool]:
    """The position and direction a cursor holds; a cursor without a position is the first page,
    one whose position is not a position the "invalid cursor" 404, never a database error."""
    if not cursor:
        return None, False
    try:
        fields = parse_qs(base64.b64decode(cursor.encode("ascii")).decode("ascii"), keep_blank_values=True)
    except (UnicodeError, binascii.Error, ValueError):
        raise exceptions.NotFound(INVALID_CURSOR) from None
    if "p" not in fields:
        return None, False
    try:
        return index.Position.decode(fields["p"][0]), fields.get("r", ["0"])[0] == "1"
    except ValueError:
        raise exceptions.NotFound(INVALID_CURSOR) from None


def _page_size(value: Any) -> int:
    try:
        return max(1, min(int(value), MAX_PAGE_SIZE))
    except (TypeError, ValueError):
        return index.PAGE_SIZE


@extend_schema(
    tags=["search"],
    parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, required=False, description="Words to find (at most 100 characters)."),
        OpenApiParameter(
            "type",
            OpenApiTypes.STR,
            required=False,
            enum=["document", "incoming_document", "matter"],
            description="Only hits of this type.",
        ),
        OpenApiParameter("cursor", OpenApiTypes.STR, required=False, description="The `next` or `previous` link's."),
        OpenApiParameter("page_size", OpenApiTypes.INT, required=False, description="1 to 200; 20 by default."),
    ],
    responses={200: SearchPageSerializer, **error_responses(400, 404)},
    description="Full-text search over documents (title, body, number, sender, opinions), incoming "
    "documents and matters, segmented by jieba: every word of `q` must occur. Only what the person "
    "may see is found, best match first (the title above the text, then newest). There is no total: "
    "`next` is a link when another hit follows. An empty query finds nothing; one over 100 "
    "characters or with characters that cannot be searched for is a 400 naming `q`.",
)
class SearchView(views.APIView):
    def get(self, request: Request) -> Response:
        query = index.clean_query(request.query_params.get("q"))
        only = index.clean_type(request.query_params.get("type"))
        position, backwards = decode_cursor(request.query_params.get("cursor"))
        found = index.search(
            user=request.user,
            query=query,
            only=only,
            size=_page_size(request.query_params.get("page_size")),
            after=None if backwards else position,
            before=position if backwards else None,
        )
        hits = index.hits(found.entries, query)
        url = request.build_absolute_uri()

        def link(position: index.Position | None, *, backwards: bool) -> str | None:
            if position is None:
                return None
            return replace_query_param(url, "cursor", encode_cursor(position, backwards=backwards))

        return Response(
            {
                "results": [
                    {"type": h.type, "id": h.id, "title": h.title, "snippet": h.snippet, "url": h.url} for h in hits
                ],
                "next": link(found.next, backwards=False),
                "previous": link(found.previous, backwards=True),
            }
        )
