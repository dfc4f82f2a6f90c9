"""``GET /api/v1/meetings/{id}/ics`` (API.md, Meetings): the meeting as an iCalendar file."""

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import views
from rest_framework.request import Request

from core.api import error_responses, object_id

from . import feeds, ics


@extend_schema(
    tags=["meetings"],
    summary=_("The meeting as an iCalendar (.ics) file"),
    responses={
        (200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY, description=_("An iCalendar file.")),
        **error_responses(404),
    },
)
class MeetingIcsView(views.APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The file is text/calendar whatever the client accepts; errors stay JSON.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request: Request, pk: int) -> HttpResponse:
        return ics.meeting_ics(feeds.meeting_calendar_get(user=request.user, pk=object_id(pk)))
