"""The notification list's filters (``GET /api/v1/notifications/?unread=1&kind=``, API.md)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import FlagFilter

from .models import Notification, NotificationKind


class NotificationFilter(django_filters.FilterSet):
    unread = FlagFilter(method="by_read", help_text=_("1: unread only; 0: read only."))
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices)

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def by_read(self, queryset: QuerySet[Notification], name: str, unread: bool) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=unread)
