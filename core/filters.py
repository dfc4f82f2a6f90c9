"""Pieces for the list filters (django-filter FilterSets of pages and API alike).

A bad value is a field error (400 in the API, a form error on a page), never a 500: ids are checked
within the database's bigint range before any query, flags accept only the usual spellings.
"""

import copy
import functools
from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1  # the largest value of a bigint key


def _within_id_range(value: Any) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses ids no key can hold (``99999999999999999999999``, ``-1``,
    ``abc``) with its usual "not one of the choices" error, before the database is asked."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if not _within_id_range(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses ids no key can hold with its usual "not one of the
    choices" error, before the database is asked (an ``__in`` lookup of such an id overflows)."""

    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            for item in value:
                if item not in self.empty_values and not _within_id_range(item):
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super().clean(value)


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


class FlagField(forms.Field):
    """A yes/no filter: ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``; empty is "not
    given"; anything else is an error (a typo must not widen the list silently)."""

    widget = forms.CheckboxInput
    TRUE = frozenset({"1", "true", "yes", "on"})
    FALSE = frozenset({"0", "false", "no", "off"})
    default_error_messages = {"invalid": _("Enter 1 (yes) or 0 (no).")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> bool | None:
        if value in (True, False):
            return bool(value)
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value: Any) -> None:
        return None


def _is_yes(value: Any) -> bool:
    return value is True or str(value).strip().lower() in FlagField.TRUE


class _FlagInput(forms.CheckboxInput):
    """A checkbox whose submitted text is kept for FlagField to judge (CheckboxInput would turn any
    text into True); it is shown ticked for a yes only."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, check_test=_is_yes)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class FlagFilter(django_filters.BooleanFilter):
    """A yes/no filter; with ``method=`` it is applied only when true (e.g. ``overdue=1``)."""

    field_class = FlagField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _FlagInput)
        super().__init__(*args, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (``year=2026``); pass ``min_value`` and ``max_value``."""

    field_class = forms.IntegerField

    def get_max_validator(self) -> Any:
        return None


def parse_id(value: Any) -> int | None:
    """A keyset position or id from a query string (``?after=``), or None when absent or no id."""
    return int(value) if value is not None and _within_id_range(value) else None


class FixedFormFilterSet(django_filters.FilterSet):
    """A FilterSet whose form fields depend on nothing of the request (fixed choices, querysets
    given at the class): django-filter builds a new form class on every request, this one builds it
    once per filter set. Each form still deep-copies its fields, as every Django form does, so no
    value, error or queryset result is shared between requests."""

    def get_form_class(self) -> type[forms.Form]:
        return _form_class(type(self))


@functools.cache
def _form_class(filterset: type[django_filters.FilterSet]) -> type[forms.Form]:
    filters = copy.deepcopy(filterset.base_filters)
    for name, filter_ in filters.items():
        if callable(getattr(filter_, "queryset", None)):  # its choices would depend on the request
            raise TypeError(f"{filterset.__name__}.{name} takes its queryset from the request")
    fields = {name: filter_.field for name, filter_ in filters.items()}
    return type(f"{filterset.__name__}Form", (filterset._meta.form,), fields)
