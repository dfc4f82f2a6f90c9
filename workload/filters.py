"""The work-item list's filters (``GET /api/v1/work-items/?status=&kind=&scope=``, API.md)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import WorkItem, WorkItemKind, WorkItemStatus
from .selectors import SCOPES


class WorkItemFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WorkItemStatus.choices)
    kind = django_filters.ChoiceFilter(choices=WorkItemKind.choices)
    scope = django_filters.ChoiceFilter(
        choices=[(s, s) for s in SCOPES],
        method="in_scope",
        help_text=_("mine: your own items (default); assigned: items you assigned to others (我交办的)."),
    )

    class Meta:
        model = WorkItem
        fields = ["status", "kind", "scope"]

    def in_scope(self, queryset: QuerySet[WorkItem], name: str, value: str) -> QuerySet[WorkItem]:
        return queryset  # the scope chooses the rows the list starts from (selectors.workitem_rows)
