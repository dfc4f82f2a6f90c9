"""Tags of the workload dashboards' pages: a figure's cell (a count links to the items behind it)."""

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html

from workload.dashboards import FIGURES

register = template.Library()


@register.simple_tag
def lookup(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.simple_tag
def drill_query(query: str, **params: Any) -> str:
    """The page's period query with the row's filters, for the drill-down links of one row."""
    extra = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{query}&{extra}" if query and extra else query or extra


@register.simple_tag
def figure_cell(row: dict[str, Any], key: str, drill: str) -> str:
    """A figure: a count links to the drill-down (``?figure=``); a rate is a percentage; a
    missing rate or median is a dash."""
    value = row.get(key)
    if value is None:
        return "–"
    if key == "on_time_rate":
        return f"{number_format(value * 100, 1)}%"
    if key == "median_turnaround_hours":
        return number_format(value, 1)
    if key in FIGURES and value:
        url = reverse("workload:dashboard_items")
        return format_html('<a href="{}?{}&amp;figure={}">{}</a>', url, drill, key, value)
    return str(value)
