"""The meeting list's filters (page and ``GET /api/v1/meetings/`` alike): time window, room, mine."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import FixedFormFilterSet, FlagFilter, IdChoiceFilter

from .models import Meeting, MeetingStatus, Room
from .selectors import participant_condition


class MeetingFilter(FixedFormFilterSet):
    ends_after = django_filters.IsoDateTimeFilter(
        label=_("Ending after"), field_name="end", lookup_expr="gt", help_text=_("Meetings still running then.")
    )
    starts_before = django_filters.IsoDateTimeFilter(label=_("Starting before"), field_name="start", lookup_expr="lt")
    room = IdChoiceFilter(label=_("Room"), queryset=Room.objects.all(), empty_label=_("Any room"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MeetingStatus.choices, empty_label=_("Any status"))
    mine = FlagFilter(label=_("Only mine"), method="only_mine")

    class Meta:
        model = Meeting
        fields: list[str] = []

    def only_mine(self, queryset: QuerySet[Meeting], name: str, value: Any) -> QuerySet[Meeting]:
        return queryset.filter(participant_condition(self.request.user)) if value else queryset
