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

How it works: the widget renders the ordinary ``<select>`` (every choice of the field's queryset,
so the form works without JavaScript) wrapped in a ``div[data-people-picker]``. The script hides
the select and shows a search box that asks ``accounts:people_search`` (JSON) as the person types
(``zwt`` finds 张文涛); choosing a result selects the matching option of the hidden select, so the
field's queryset still decides what is valid: search results outside it are not offered.
Keep the queryset's labels short (``User.__str__`` is the display name); for a large bureau, pass
``User.objects.filter(is_active=True).only("id", "name", "username", "first_name", "last_name")``.

Options: ``PeoplePicker(search_url=..., placeholder=...)``; ``search_url`` must answer like
``accounts:people_search`` (``{"results": [{"id", "name", "department", "title"}]}``).
"""

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

SEARCH_URL = reverse_lazy("accounts:people_search")


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
