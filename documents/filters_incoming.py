"""List filters of incoming documents (the 收文登记簿), readings and reading packets, for pages and API alike.

A bad value is a field error (400 with ``fields`` in the API, a form error on the page), never a 500.
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.enums import Classification, Urgency

from .models import IncomingDocument, IncomingStatus, PacketStatus, Reading, ReadingPacket, ReadingStatus


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class BoundedDateField(forms.DateField):
    """A date in years 1900–9998 (no office work is dated at the calendar's very ends)."""

    widget = _DateInput

    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)
        if result is not None and not 1900 <= result.year <= 9998:
            raise forms.ValidationError(_("Choose a date between the years 1900 and 9998."), code="out_of_range")
        return result


class BoundedDateFilter(django_filters.DateFilter):
    field_class = BoundedDateField


class IncomingFilter(django_filters.FilterSet):
    """``/documents/incoming/`` and ``GET /api/v1/incoming/`` (and its XLSX export)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=100,
        help_text=_("Words in the title, the sender, their number or the registration number."),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=IncomingStatus.choices, empty_label=_("Any status"))
    sender = django_filters.CharFilter(
        label=_("Sender"), field_name="sender_org", lookup_expr="icontains", max_length=100
    )
    received_from = BoundedDateFilter(
        label=_("Received from"), field_name="received_on", lookup_expr="gte", help_text=_("YYYY-MM-DD.")
    )
    received_to = BoundedDateFilter(
        label=_("Received until"), field_name="received_on", lookup_expr="lte", help_text=_("YYYY-MM-DD.")
    )
    classification = django_filters.ChoiceFilter(
        label=_("Classification"), choices=Classification.choices, empty_label=_("Any classification")
    )
    urgency = django_filters.ChoiceFilter(label=_("Urgency"), choices=Urgency.choices, empty_label=_("Any urgency"))

    class Meta:
        model = IncomingDocument
        fields = ["q", "status", "sender", "received_from", "received_to", "classification", "urgency"]

    def search(self, queryset: QuerySet[IncomingDocument], name: str, value: str) -> QuerySet[IncomingDocument]:
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(title__icontains=term)
            | Q(sender_org__icontains=term)
            | Q(sender_number__icontains=term)
            | Q(serial__icontains=term)
        )


class ReadingFilter(django_filters.FilterSet):
    """``GET /api/v1/readings/?status=pending``: the person's own readings."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReadingStatus.choices, empty_label=_("Any status"))

    class Meta:
        model = Reading
        fields = ["status"]


class PacketFilter(django_filters.FilterSet):
    """``/documents/packets/`` and ``GET /api/v1/reading-packets/``."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=PacketStatus.choices, empty_label=_("Any status"))

    class Meta:
        model = ReadingPacket
        fields = ["status"]
