"""The work-item lists' filters: the API's list (``GET /api/v1/work-items/?status=&kind=&scope=``,
API.md) and 我的工作台 (``/desk/?tab=&kind=``), which share the kind filter."""

import functools
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.filters import FixedFormFilterSet

from .models import WorkItem, WorkItemKind, WorkItemStatus
from .selectors import DESK_TABS, SCOPES, WORKITEM_SCOPES


class _ByKind(FixedFormFilterSet):
    kind = django_filters.ChoiceFilter(choices=WorkItemKind.choices)

    # What a filter is when not given; it always applies, so a list never starts from everyone's rows.
    defaults: dict[str, str] = {}

    class Meta:
        model = WorkItem
        fields = ["kind"]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        data = data.copy() if data is not None else QueryDict(mutable=True)
        for name, value in self.defaults.items():
            if not data.get(name):
                data[name] = value
        super().__init__(data, *args, **kwargs)


def _person(filterset: django_filters.FilterSet) -> Any:
    """The person whose list it is; without one (no request, anonymous) the list is empty."""
    user = getattr(filterset.request, "user", None)
    return user if user is not None and user.is_authenticated else None


class WorkItemFilter(_ByKind):
    """The API's list: the scope names the person's rows (``mine`` when not given; the view asks
    ``selectors.workitem_rows`` for them, and the filter keeps to them too: none without a person),
    status and kind narrow them."""

    status = django_filters.ChoiceFilter(choices=WorkItemStatus.choices)
    scope = django_filters.ChoiceFilter(
        choices=[(s, s) for s in SCOPES],
        method="in_scope",
        help_text=_("mine: your own items (default); assigned: items you assigned to others (我交办的)."),
    )
    defaults = {"scope": "mine"}

    class Meta:
        model = WorkItem
        fields = ["status", "kind", "scope"]

    def in_scope(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        user = _person(self)
        return queryset.filter(WORKITEM_SCOPES[value](user)) if user is not None else queryset.none()


class DeskFilter(_ByKind):
    """我的工作台's tab and kind. The desk asks ``chosen()`` for them and draws the tab with its
    selectors (ordered rows and the badges' counts in two queries); ``qs`` is the same rows unordered."""

    tab = django_filters.ChoiceFilter(choices=[(t, t) for t in DESK_TABS], method="on_tab")
    defaults = {"tab": "todo"}

    class Meta:
        model = WorkItem
        fields = ["tab", "kind"]

    def on_tab(self, queryset: QuerySet[WorkItem], name: str, value: str) -> QuerySet[WorkItem]:
        user = _person(self)
        return queryset.filter(DESK_TABS[value](user)) if user is not None else queryset.none()

    def chosen(self) -> tuple[str, str | None]:
        """The tab and kind asked for; a value not offered is ignored (the 待办 tab, every kind)."""
        return self.choice(self.data)

    @classmethod
    def choice(cls, data: Any) -> tuple[str, str | None]:
        """``chosen()`` for the query ``data``, without building the filter and its form (my desk
        asks on every load): each is one value, kept when it is one of the filter's own choices."""
        tab, kind = data.get("tab"), data.get("kind")
        return (tab if tab in _offered("tab") else cls.defaults["tab"]), (kind if kind in _offered("kind") else None)


@functools.cache
def _offered(name: str) -> frozenset[str]:
    """The values DeskFilter's filter ``name`` offers (its ChoiceField's choices, as text)."""
    return frozenset(str(value) for value, _label in DeskFilter.base_filters[name].extra["choices"])
