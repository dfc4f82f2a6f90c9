"""One badge for priority, urgency and status on every page, in one colour scheme.

``{% load badges %}{% badge matter "status" %}`` shows ``matter.status`` labelled with
``matter.get_status_display``; Python code that has only a value and its label (the desk's rows)
calls ``badge_html``.
"""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The colour of a value says what it means, whichever model it belongs to: blue under way, light
# blue waiting for someone else, yellow to act on, green finished well, grey withdrawn, red failed.
# Routine priority and normal urgency carry no badge unless asked (``always``): most work is both.
COLOURS: dict[str, dict[str, str]] = {
    "priority": {"key": "text-bg-primary", "secondary": "text-bg-info"},
    "urgency": {"extra_urgent": "text-bg-danger", "urgent": "text-bg-warning"},
    "status": {
        "open": "text-bg-primary",
        "in_progress": "text-bg-primary",
        "planned": "text-bg-primary",
        "awaiting_confirmation": "text-bg-info",
        "confirmed": "text-bg-info",
        "pending": "text-bg-warning",
        "done": "text-bg-success",
        "arranged": "text-bg-success",
        "sent": "text-bg-success",
        "cancelled": "text-bg-secondary",
        "failed": "text-bg-danger",
        # documents
        "awaiting_approval": "text-bg-info",
        "revising": "text-bg-warning",
        "approved": "text-bg-primary",
        "issued": "text-bg-success",
        "rejected": "text-bg-danger",
        "archived": "text-bg-secondary",
        "current": "text-bg-warning",
        "answered": "text-bg-success",
        "no_answer": "text-bg-secondary",
        "received": "text-bg-success",
        "read": "text-bg-success",
        "decided": "text-bg-success",
        "closed": "text-bg-secondary",
        "void": "text-bg-secondary",
        # meetings: agenda items
        "proposed": "text-bg-warning",
        "accepted": "text-bg-success",
        "declined": "text-bg-secondary",
    },
}
# What the others show when they are shown.
QUIET = "text-bg-light border"
# Statuses are always shown; priorities and urgencies only when they stand out.
_ALWAYS = {"status"}


def badge_html(category: str, value: str, label: Any, *, always: bool | None = None) -> SafeString:
    """``<span class="badge ...">label</span>`` for ``value`` of ``category`` (``priority``,
    ``urgency`` or ``status``); empty for routine priority and normal urgency unless ``always``."""
    css = COLOURS[category].get(value)
    if css is None:
        if not (category in _ALWAYS if always is None else always):
            return mark_safe("")
        css = QUIET
    return format_html('<span class="badge {}">{}</span>', css, label)


@register.simple_tag
def badge(obj: Any, field: str, always: bool | None = None) -> SafeString:
    """``{% badge item "priority" %}``: the badge of ``obj.<field>`` (``priority``, ``urgency``,
    ``status``), labelled with its display value; ``always=True`` shows routine/normal too."""
    if obj is None:
        return mark_safe("")
    value = getattr(obj, field)
    label = getattr(obj, f"get_{field}_display")()
    return badge_html(field, value, label, always=always)
