"""``GET /api/v1/search/?q=``: what the search page finds, as JSON, cursor-paginated."""

import math
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import CursorPagination, error_responses

from . import search as index
from .models import SearchEntry


class HitSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="`document`, `incoming_document` or `matter`.")
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="HTML: escaped, the words found in `<mark>`.")
    snippet = serializers.CharField(help_text="HTML: a passage of the text, escaped, the words found in `<mark>`.")
    url = serializers.CharField(allow_null=True)


class SearchPagination(CursorPagination):
    """Ordered by rank, then id. The cursor holds a rank (a number), checked as one: a forged
    cursor is the "invalid cursor" 404, never a database error."""

    page_size = 20

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        return ("-rank", "-id")

    def decode_cursor(self, request: Any) -> Any:
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                rank = float(cursor.position)
            except ValueError as exc:
                raise exceptions.NotFound(self.invalid_cursor_message) from exc
            if not math.isfinite(rank):
                raise exceptions.NotFound(self.invalid_cursor_message)
        return cursor


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
    ],
    responses={200: HitSerializer(many=True), **error_responses(400, 404)},
    description="Full-text search over documents (title, body, number, sender, opinions), incoming "
    "documents and matters, segmented by jieba: every word of `q` must occur. Only what the person "
    "may see is found, best match first among the newest 1000 matches. An empty query finds "
    "nothing; one over 100 characters or with characters that cannot be searched for is a 400 "
    "naming `q`.",
)
class SearchView(generics.GenericAPIView):
    queryset = SearchEntry.objects.none()
    serializer_class = HitSerializer
    pagination_class = SearchPagination

    def get(self, request: Request) -> Response:
        raw = request.query_params.get("q")
        query = index.clean_query(raw)
        only = index.clean_type(request.query_params.get("type"))
        entries = index.search(user=request.user, query=query, only=only).only(
            "content_type_id", "object_id", "title", "text"
        )
        page = self.paginate_queryset(entries)
        hits = index.hits(page or [], query)
        data = [{"type": h.type, "id": h.id, "title": h.title, "snippet": h.snippet, "url": h.url} for h in hits]
        return self.get_paginated_response(data)
