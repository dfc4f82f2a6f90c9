"""The document list's filters, for its page and ``GET /api/v1/documents/`` alike (API.md: ``q``,
``status``). A bad value is a field error, never a 500."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.enums import Classification, Urgency
from core.filters import FlagFilter

from .models import DocType, Document, DocumentStatus


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", max_length=100, help_text=_("Words in the title or the number.")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DocumentStatus.choices, empty_label=_("Any status"))
    doc_type = django_filters.ChoiceFilter(label=_("Type"), choices=DocType.choices, empty_label=_("Any type"))
    classification = django_filters.ChoiceFilter(
        label=_("Classification"), choices=Classification.choices, empty_label=_("Any classification")
    )
    urgency = django_filters.ChoiceFilter(label=_("Urgency"), choices=Urgency.choices, empty_label=_("Any urgency"))
    mine = FlagFilter(label=_("Drafted by me"), method="only_mine", help_text=_("1: documents you drafted."))

    class Meta:
        model = Document
        fields = ["q", "status", "doc_type", "classification", "urgency", "mine"]

    def search(self, queryset: QuerySet[Document], name: str, value: str) -> QuerySet[Document]:
        term = value.strip()
        return queryset.filter(Q(title__icontains=term) | Q(number__icontains=term)) if term else queryset

    def only_mine(self, queryset: QuerySet[Document], name: str, value: bool) -> QuerySet[Document]:
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(drafter=user)
