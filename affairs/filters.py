"""The list filters of affairs, one FilterSet per list for its page and its API endpoint alike.

A bad value is a field error (400 with ``fields`` in the API, a form error on the page), never a
500: ids are checked within the bigint range before any query. The parameter names are API.md's.
"""

from datetime import date

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from accounts.widgets import PeoplePicker
from core.enums import Priority
from core.filters import FixedFormFilterSet, FlagFilter, IdChoiceFilter, IntegerFilter

from .models import Matter, MatterAssistant, MatterStatus, PlanPeriod, Reception, ReceptionStatus, WorkPlan


def _people() -> QuerySet[User]:
    # Any person, departed ones too (their matters stay findable); the picker renders only the chosen.
    return User.objects.only("id", "name", "username", "first_name", "last_name")


def _departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).only("id", "name").order_by("order", "id")


class MatterFilter(FixedFormFilterSet):
    """``/affairs/matters/`` and ``GET /api/v1/matters/``."""

    q = django_filters.CharFilter(
        label=_("Search"), method="search", max_length=100, help_text=_("Words in the title or description.")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MatterStatus.choices, empty_label=_("Any status"))
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices, empty_label=_("Any priority"))
    department = IdChoiceFilter(
        label=_("Department"),
        queryset=_departments(),
        empty_label=_("Any department"),
        help_text=_("The lead owner's department."),
    )
    owner = IdChoiceFilter(
        label=_("Owner"),
        queryset=_people(),
        method="by_owner",
        widget=PeoplePicker,
        empty_label=_("Anyone"),
        help_text=_("A person's id: matters they lead or assist."),
    )
    overdue = FlagFilter(label=_("Overdue only"), method="only_overdue", help_text=_("1: in progress and past due."))
    mine = FlagFilter(label=_("Mine only"), method="only_mine", help_text=_("1: matters you assigned, lead or assist."))

    class Meta:
        model = Matter
        fields = ["q", "status", "priority", "department", "owner", "overdue", "mine"]

    def search(self, queryset: QuerySet[Matter], name: str, value: str) -> QuerySet[Matter]:
        term = value.strip()
        return queryset.filter(Q(title__icontains=term) | Q(description__icontains=term)) if term else queryset

    def by_owner(self, queryset: QuerySet[Matter], name: str, value: User) -> QuerySet[Matter]:
        assists = MatterAssistant.objects.filter(matter=OuterRef("pk"), user=value)
        return queryset.filter(Q(lead=value) | Exists(assists))

    def only_overdue(self, queryset: QuerySet[Matter], name: str, value: bool) -> QuerySet[Matter]:
        if not value:
            return queryset
        return queryset.filter(status=MatterStatus.IN_PROGRESS, due_at__lt=timezone.now())

    def only_mine(self, queryset: QuerySet[Matter], name: str, value: bool) -> QuerySet[Matter]:
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        assists = MatterAssistant.objects.filter(matter=OuterRef("pk"), user=user)
        return queryset.filter(Q(lead=user) | Q(assigner=user) | Exists(assists))


class ReceptionFilter(django_filters.FilterSet):
    """``/affairs/receptions/`` and ``GET /api/v1/receptions/``."""

    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReceptionStatus.choices, empty_label=_("Any status")
    )
    upcoming = FlagFilter(label=_("Not yet over"), method="only_upcoming", help_text=_("1: not yet departed."))

    class Meta:
        model = Reception
        fields = ["q", "status", "upcoming"]

    def search(self, queryset: QuerySet[Reception], name: str, value: str) -> QuerySet[Reception]:
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(Q(visiting_org__icontains=term) | Q(purpose__icontains=term))

    def only_upcoming(self, queryset: QuerySet[Reception], name: str, value: bool) -> QuerySet[Reception]:
        return queryset.filter(departure__gte=timezone.now()) if value else queryset


class WorkPlanFilter(django_filters.FilterSet):
    """``/affairs/plans/`` and ``GET /api/v1/work-plans/``."""

    department = IdChoiceFilter(label=_("Department"), queryset=_departments(), empty_label=_("Any department"))
    period = django_filters.ChoiceFilter(label=_("Period"), choices=PlanPeriod.choices, empty_label=_("Any period"))
    year = IntegerFilter(label=_("Year"), method="in_year", min_value=1900, max_value=9999)

    class Meta:
        model = WorkPlan
        fields = ["department", "period", "year"]

    def in_year(self, queryset: QuerySet[WorkPlan], name: str, year: int) -> QuerySet[WorkPlan]:
        return queryset.filter(period_start__gte=date(year, 1, 1), period_start__lte=date(year, 12, 31))
