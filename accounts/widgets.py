"""The people picker: choose one or several colleagues by typing a name, username or pinyin initials.

Use it as the widget of a ModelChoiceField / ModelMultipleChoiceField whose queryset is users::

    from accounts.models import User
    from accounts.widgets import PeoplePicker, PeopleMultiplePicker

    class ReassignForm(forms.Form):
        assignee = forms.ModelChoiceField(User.objects.filter(is_active=True), widget=PeoplePicker)
        reviewers = forms.ModelMultipleChoiceField(
            User.objects.filter(is_active=True), widget=PeopleMultiplePicker, required=False
        )

Render the form as usual (``{{ form|crispy }}``). The page needs ``static/js/people-picker.js``;
``base.html`` loads it on every page, and ``{{ form.media }}`` names it for pages that do not extend
``base.html``. The script also initializes pickers that arrive later in htmx-swapped content.

How it works: the widget renders a ``<select>`` holding only the people already chosen (one
query for their names, none when nothing is chosen), so a page costs the same in a bureau of fifty
or of five thousand, wrapped in a ``div[data-people-picker]``. The script hides the select and
shows a search box that asks ``accounts:people_search`` (JSON) as the person types (``zwt`` finds
张文涛); choosing a result adds and selects its option. The field's queryset still decides what is
valid when the form is submitted: a person outside it is refused with the field's usual error.
The picker needs JavaScript to choose someone new; without it the current choice is kept.

Options: ``PeoplePicker(search_url=..., placeholder=...)``; ``search_url`` must answer like
``accounts:people_search`` (``{"results": [{"id", "name", "department", "title"}]}``).
"""

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

SEARCH_URL = reverse_lazy("accounts:people_search")


def _is_id(value: Any) -> bool:
    """A value a bigint key can hold (a forged 30-digit "id" must not reach the database)."""
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) < 2**63


class _PeoplePickerMixin:
    multiple = False

    class Media:
        js = ("js/people-picker.js",)

    def __init__(
        self, attrs: dict[str, Any] | None = None, *, search_url: str | None = None, placeholder: str | None = None
    ) -> None:
        super().__init__(attrs)  # type: ignore[call-arg]
        self.search_url = search_url or SEARCH_URL
        self.placeholder = placeholder

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        """The submitted ids; one no key can hold (``99999999999999999999999``, ``-1``, ``abc``) is
        passed on as ``0``, which no one has, so the field refuses it with its usual error instead of
        the database failing on it."""
        value = super().value_from_datadict(data, files, name)  # type: ignore[misc]
        if isinstance(value, list | tuple):
            return [v if _is_id(v) else "0" for v in value]
        return value if value in (None, "") or _is_id(value) else "0"

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> list[Any]:
        """Only the chosen people (and the empty choice of a single picker), not the whole queryset."""
        chosen = [int(v) for v in value if _is_id(v)]
        options: list[Any] = []
        if not self.multiple:
            options.append(self.create_option(name, "", "", not chosen, 0, attrs=attrs))  # type: ignore[attr-defined]
        if chosen:
            queryset = self.choices.queryset.filter(pk__in=chosen)  # type: ignore[attr-defined]
            for index, person in enumerate(queryset, start=len(options)):
                options.append(
                    self.create_option(name, str(person.pk), str(person), True, index, attrs=attrs)  # type: ignore[attr-defined]
                )
        return [(None, options, 0)]

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        select = super().render(name, value, attrs, renderer)  # type: ignore[misc]
        placeholder = self.placeholder or (
            _("Type names or pinyin initials, e.g. zwt")
            if self.multiple
            else _("Type a name or pinyin initials, e.g. zwt")
        )
        # Bootstrap shows ``.invalid-feedback`` after an ``.is-invalid`` sibling: the wrapper is that sibling.
        invalid = " is-invalid" if "is-invalid" in ((attrs or {}).get("class") or self.attrs.get("class", "")) else ""
        return format_html(
            '<div class="people-picker{}" data-people-picker data-search-url="{}" data-multiple="{}" '
            'data-placeholder="{}" data-empty-text="{}" data-count-text="{}" data-remove-text="{}" '
            'data-error-text="{}">{}</div>',
            invalid,
            self.search_url,
            "true" if self.multiple else "false",
            placeholder,
            _("No one found."),
            # {count} is replaced in the browser; read out by screen readers as results arrive.
            _("{count} found"),
            _("Remove"),
            _("Search failed; try again."),
            select,
        )


class PeoplePicker(_PeoplePickerMixin, forms.Select):
    """Pick one person (ModelChoiceField)."""


class PeopleMultiplePicker(_PeoplePickerMixin, forms.SelectMultiple):
    """Pick several people (ModelMultipleChoiceField)."""

    multiple = True
