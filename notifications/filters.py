"""The notification list's filters: the API's (``GET /api/v1/notifications/?unread=1&kind=``,
API.md) and the notification centre's (``/notifications/?show=unread&kind=``), which share the kind."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import FlagFilter

from .models import Notification, NotificationKind


class _ByKind(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices)

    class Meta:
        model = Notification
        fields = ["kind"]


class NotificationFilter(_ByKind):
    unread = FlagFilter(method="by_read", help_text=_("1: unread only; 0: read only."))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def by_read(self, queryset: QuerySet[Notification], name: str, unread: bool) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=unread)


class NotificationCentreFilter(_ByKind):
    """The centre's two tabs (all, unread) and kind; a value not offered is ignored (``chosen()``)."""

    show = django_filters.ChoiceFilter(choices=[("all", "all"), ("unread", "unread")], method="by_show")

    class Meta:
        model = Notification
        fields = ["show", "kind"]

    def by_show(self, queryset: QuerySet[Notification], name: str, show: str) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=True) if show == "unread" else queryset

    def chosen(self) -> tuple[str, str | None]:
        """The tab and kind asked for, the tab ``all`` unless ``unread`` was asked for."""
        self.is_valid()
        data = self.form.cleaned_data
        return data.get("show") or "all", data.get("kind") or None
