"""A form field drawn by hand in Bootstrap's markup, for the filter forms of hot list pages.

``{% load fields %}{% field form.status %}`` gives what ``{{ form.status|as_crispy_field }}`` gives
(label, control, help text, errors) with ``format_html``: crispy renders every field through a dozen
nested templates and Django's ``Select`` renders each ``<option>`` through a template of its own,
which on the matter list cost more than the matters themselves. A plain ``<select>`` (one choice)
is drawn option by option here; every other widget (text input, checkbox, the people picker) is
still rendered by the widget itself.
"""

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.widgets import Input, Widget
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _select(bound: BoundField, choices: list[tuple[Any, Any]], attrs: dict[str, str]) -> SafeString:
    """``<select>`` of a single-choice field, the chosen option marked, drawn in one pass."""
    value = bound.value()
    chosen = "" if value is None else str(value)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (key, mark_safe(" selected") if key == chosen else "", label)
            for key, label in ((str("" if v is None else v), label) for v, label in choices)
        ),
    )
    extra = format_html_join("", ' {}="{}"', sorted(attrs.items()))
    return format_html('<select name="{}" id="{}"{}>{}</select>', bound.html_name, bound.auto_id, extra, options)


def _input(bound: BoundField, attrs: dict[str, str]) -> SafeString:
    """``<input>`` of a text or checkbox field: the widget's own context (its value, its check
    test, its attributes), drawn without a template."""
    widget = bound.field.widget
    context = widget.get_context(
        bound.html_name, bound.value(), bound.build_widget_attrs({"id": bound.auto_id, **attrs})
    )
    drawn = context["widget"]
    pairs = [(key, value) for key, value in drawn["attrs"].items() if value is not False and value is not None]
    extra = format_html_join("", " {}", ((key,) for key, value in pairs if value is True))
    extra += format_html_join("", ' {}="{}"', ((key, value) for key, value in pairs if value is not True))
    value = format_html(' value="{}"', drawn["value"]) if drawn["value"] is not None else ""
    return format_html('<input type="{}" name="{}"{}{}>', drawn["type"], drawn["name"], value, extra)


@register.simple_tag
def field(bound: BoundField) -> SafeString:
    """Label, control, help text and errors of ``bound`` in Bootstrap 5's markup."""
    widget = bound.field.widget
    checkbox = isinstance(widget, forms.CheckboxInput)
    # A flat single-choice <select> is drawn here (its choices read once: a model field's are a
    # query); option groups are left to the widget.
    choices = list(iter(bound.field.choices)) if type(widget) is forms.Select else []  # iter: no COUNT query
    plain_select = type(widget) is forms.Select and not any(isinstance(label, list | tuple) for _v, label in choices)
    invalid = " is-invalid" if bound.errors else ""
    attrs: dict[str, str] = {}
    if bound.help_text:
        attrs["aria-describedby"] = f"{bound.auto_id}_helptext"
    if checkbox:
        attrs["class"] = "form-check-input" + invalid
    elif isinstance(widget, forms.Select):
        attrs["class"] = "form-select" + invalid
    else:
        attrs["class"] = "form-control" + invalid
    if bound.field.required:
        attrs["required"] = ""
    if plain_select:
        control = _select(bound, choices, attrs)
    elif isinstance(widget, Input) and type(widget).render is Widget.render:
        control = _input(bound, attrs)
    else:
        control = bound.as_widget(attrs=attrs)
    help_html = (
        format_html('<div id="{}_helptext" class="form-text">{}</div>', bound.auto_id, bound.help_text)
        if bound.help_text
        else ""
    )
    errors = format_html_join(
        "", '<div class="invalid-feedback d-block"><strong>{}</strong></div>', ((e,) for e in bound.errors)
    )
    if checkbox:
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}'
            '<label for="{}" class="form-check-label">{}</label>{}{}</div></div>',
            bound.auto_id,
            control,
            bound.id_for_label,
            bound.label,
            errors,
            help_html,
        )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        bound.auto_id,
        bound.id_for_label,
        bound.label,
        control,
        errors,
        help_html,
    )
