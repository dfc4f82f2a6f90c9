"""REST endpoints of leaders' schedules (领导日程): ``/api/v1/leader-schedule/``.

The list and each entry are for the office and the leaders (anyone else: 404); what an entry is
(kind, title, place, note) shows by its privacy (``schedules.shows_details``), otherwise ``null``
and ``busy_only`` true. The office writes any leader's entries, a leader their own; others 403.
"""

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.serializers import PersonRefSerializer
from affairs.serializers import BoundedDateField, BoundedDateTimeField, person_field
from core.api import StrictSerializer, error_responses, object_id
from core.errors import ValidationError
from core.validators import single_line

from . import schedules
from .schedule_models import ScheduleEntry, ScheduleKind, SchedulePrivacy


class ScheduleEntryInputSerializer(StrictSerializer):
    """The body of create and (every field optional) PATCH."""

    leader = person_field()
    kind = serializers.ChoiceField(choices=ScheduleKind.choices, required=False, default=ScheduleKind.TRIP)
    title = serializers.CharField(max_length=200, validators=[single_line])
    place = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True, validators=[single_line]
    )
    start = BoundedDateTimeField(default_timezone=timezone.get_default_timezone())
    end = BoundedDateTimeField(default_timezone=timezone.get_default_timezone())
    privacy = serializers.ChoiceField(choices=SchedulePrivacy.choices, required=False, default=SchedulePrivacy.INTERNAL)
    note = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)


class ScheduleEntrySerializer(serializers.Serializer):
    """An entry as ``viewer`` (the serializer's context) may see it."""

    id = serializers.IntegerField(read_only=True)
    leader = PersonRefSerializer(read_only=True)
    start = serializers.DateTimeField(read_only=True)
    end = serializers.DateTimeField(read_only=True)
    privacy = serializers.CharField(read_only=True)
    cancelled = serializers.BooleanField(read_only=True)
    busy_only = serializers.SerializerMethodField(help_text=_("True when you may see only that the leader is busy."))
    kind = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    def _shown(self, entry: ScheduleEntry) -> bool:
        return schedules.shows_details(self.context["request"].user, entry)

    def get_busy_only(self, entry: ScheduleEntry) -> bool:
        return not self._shown(entry)

    def get_kind(self, entry: ScheduleEntry) -> str | None:
        return entry.kind if self._shown(entry) else None

    def get_title(self, entry: ScheduleEntry) -> str | None:
        return entry.title if self._shown(entry) else None

    def get_place(self, entry: ScheduleEntry) -> str | None:
        return entry.place if self._shown(entry) else None

    def get_note(self, entry: ScheduleEntry) -> str | None:
        return entry.note if self._shown(entry) else None


class ScheduleListQuerySerializer(serializers.Serializer):
    start = BoundedDateField(required=False, help_text=_("First day (default: this week's Monday)."))
    end = BoundedDateField(required=False, help_text=_("Last day, included (default: six days after the first)."))
    leader = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    cancelled = serializers.BooleanField(required=False, default=False, help_text=_("Include cancelled entries."))


def _valid(serializer_class: type, data: Any, *, partial: bool = False) -> dict[str, Any]:
    checked = serializer_class(data=data, partial=partial)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


@extend_schema_view(
    list=extend_schema(
        summary=_("Leaders' engagements in a window (the office and the leaders)"),
        parameters=[ScheduleListQuerySerializer],
        responses={200: ScheduleEntrySerializer(many=True), **error_responses(400, 404)},
    ),
    create=extend_schema(
        summary=_("Enter a leader's engagement (the office, or the leader themself)"),
        request=ScheduleEntryInputSerializer,
        responses={201: ScheduleEntrySerializer, **error_responses(400, 403, 404)},
    ),
    retrieve=extend_schema(
        summary=_("One engagement"), responses={200: ScheduleEntrySerializer, **error_responses(404)}
    ),
    partial_update=extend_schema(
        summary=_("Change an engagement"),
        request=ScheduleEntryInputSerializer,
        responses={200: ScheduleEntrySerializer, **error_responses(400, 403, 404, 409)},
    ),
    cancel=extend_schema(
        summary=_("Cancel an engagement"),
        request=None,
        responses={200: ScheduleEntrySerializer, **error_responses(403, 404, 409)},
    ),
)
@extend_schema(tags=["relations"], parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
class LeaderScheduleViewSet(viewsets.GenericViewSet):
    queryset = ScheduleEntry.objects.none()  # names the model behind {id}; rows come from the selectors
    serializer_class = ScheduleEntrySerializer
    ordering = ("start", "id")

    def _entry(self, pk: str) -> ScheduleEntry:
        return schedules.schedule_entry_get(user=self.request.user, pk=object_id(pk))

    def _out(self, entry: ScheduleEntry, status_code: int = status.HTTP_200_OK) -> Response:
        entry = schedules.schedule_entry_get(user=self.request.user, pk=entry.pk)
        return Response(ScheduleEntrySerializer(entry, context={"request": self.request}).data, status_code)

    def list(self, request: Request) -> Response:
        rows = schedules.schedule_entries(user=request.user)
        query = _valid(ScheduleListQuerySerializer, request.query_params)
        first = query.get("start") or schedules.week_bounds(timezone.localdate())[0]
        last = query.get("end") or first + timedelta(days=6)
        if last < first or (last - first).days >= schedules.MAX_SPAN_DAYS:
            raise ValidationError(
                fields={
                    "end": [
                        gettext("Choose an end on or after the start, at most %(days)d days later.")
                        % {"days": schedules.MAX_SPAN_DAYS - 1}
                    ]
                }
            )
        window_start = datetime.combine(first, time.min, tzinfo=timezone.get_current_timezone())
        window_end = window_start + timedelta(days=(last - first).days + 1)
        rows = rows.filter(start__lt=window_end, end__gt=window_start)
        if "leader" in query:
            rows = rows.filter(leader_id=query["leader"])
        if not query["cancelled"]:
            rows = rows.filter(cancelled=False)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ScheduleEntrySerializer(page, many=True, context={"request": request}).data)

    def create(self, request: Request) -> Response:
        entry = schedules.schedule_entry_create(
            actor=request.user, **_valid(ScheduleEntryInputSerializer, request.data)
        )
        return self._out(entry, status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ScheduleEntrySerializer(self._entry(pk), context={"request": request}).data)

    def partial_update(self, request: Request, pk: str) -> Response:
        entry = self._entry(pk)
        changes = _valid(ScheduleEntryInputSerializer, request.data, partial=True)
        return self._out(schedules.schedule_entry_update(actor=request.user, entry=entry, **changes))

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._out(schedules.schedule_entry_cancel(actor=request.user, entry=self._entry(pk)))
