"""The people directory's filters: the directory page, its live search (and the people picker's),
and ``GET /api/v1/users/?q=`` (API.md)."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import IdChoiceFilter

from .models import Department, User
from .selectors import people_matching


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=100,
        help_text=_("Name, username, full pinyin or pinyin initials (zwt finds 张文涛)."),
    )
    department = IdChoiceFilter(
        queryset=Department.objects.all(), widget=forms.HiddenInput, help_text=_("A department's id.")
    )

    class Meta:
        model = User
        fields = ["q", "department"]

    def search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return people_matching(queryset, value)
