"""``{% matter_row matter %}``: one row of the matter list, drawn with ``format_html``.

The list shows 25 rows a page; an ordinary template with two includes, two ``blocktranslate`` and
the date filters per row cost more than the page's queries. The markup is the one the template had.
"""

from collections.abc import Callable
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.enums import Priority
from core.templatetags.badges import badge_html
from workload.serializers import id_links

from ..models import MatterStatus

register = template.Library()


def _words(context: template.Context) -> dict[str, Any]:
    """The row's fixed words and labels, translated once per page rather than on each row
    (``get_FOO_display`` hashes every lazy label of the field: a fifth of the page)."""
    words: dict[str, Any] | None = context.render_context.get("matter_words")
    if words is None:
        words = context.render_context["matter_words"] = {
            "overdue": _("Overdue"),
            "led": _("Led by %(name)s"),
            "assigned": _("Assigned by %(name)s"),
            "due": _("Due"),
            "progress": _("Progress"),
            **{f"priority:{value}": badge_html("priority", value, label) for value, label in Priority.choices},
            **{f"status:{value}": badge_html("status", value, label) for value, label in MatterStatus.choices},
        }
    return words


def _badge(words: dict[str, Any], category: str, value: str) -> SafeString:
    badge: SafeString | None = words.get(f"{category}:{value}")
    return badge_html(category, value, value) if badge is None else badge


def _matter_url(context: template.Context) -> Callable[[int], str | None]:
    """The link of a matter's page for any id, reversed once per page (``id_links``)."""
    link: Callable[[int], str | None] | None = context.render_context.get("matter_url")
    if link is None:
        link = context.render_context["matter_url"] = id_links(lambda pk: reverse("affairs:matter_detail", args=[pk]))
    return link


@register.simple_tag(takes_context=True)
def matter_row(context: template.Context, matter: Any) -> SafeString:
    """The ``<li>`` of ``matter`` (lead, assigner and department selected with it)."""
    words = _words(context)
    percent = matter.percent or 0
    overdue = (
        format_html('<span class="badge text-bg-danger" data-overdue>{}</span>', words["overdue"])
        if matter.is_overdue
        else ""
    )
    department = format_html("<span>{}</span>", matter.department.name) if matter.department_id else ""
    return format_html(
        '<li class="list-group-item" id="matter-{pk}">'
        '<div class="d-flex flex-column flex-md-row justify-content-between gap-2">'
        '<div class="min-w-0"><div class="d-flex flex-wrap align-items-center gap-1">'
        '<a class="fw-semibold link-body-emphasis text-break me-1" href="{url}">{title}</a>'
        "{priority}{status}{overdue}</div>"
        '<div class="small text-body-secondary d-flex flex-wrap column-gap-2">'
        "<span>{led}</span>{department}<span>{assigned}</span></div></div>"
        '<div class="small text-md-end flex-shrink-0">'
        '<div class="text-nowrap">{due} <time datetime="{due_at}">{due_on}</time></div>'
        '<div class="d-flex align-items-center gap-2">'
        '<progress class="flex-grow-1" max="100" value="{percent}" aria-label="{progress}">{percent}%</progress>'
        '<span class="small text-body-secondary text-nowrap">{percent}%</span></div>'
        "</div></div></li>",
        pk=matter.pk,
        url=_matter_url(context)(matter.pk),
        title=matter.title,
        priority=_badge(words, "priority", matter.priority),
        status=_badge(words, "status", matter.status),
        overdue=overdue,
        led=words["led"] % {"name": matter.lead.display_name},
        department=department,
        assigned=words["assigned"] % {"name": matter.assigner.display_name},
        due=words["due"],
        due_at=timezone.localtime(matter.due_at).isoformat(),
        due_on=matter.due_on.isoformat(),
        percent=percent,
        progress=words["progress"],
    )
