"""The rows of 我的工作台: ``{% desk_row row %}`` renders one row of ``selectors.desk_rows``.

The view puts ``tab``, ``now``, ``urge_again_after`` (urged since then: a new urge would be refused)
and ``visible`` (the targets the person may see, from
``workload.targets.visible_refs``, asked once per page) in the context; a row whose target the
person may not see says only its classification and kind, with no title and no link.
"""

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.calendar import working_elapsed
from core.enums import Classification, Priority, Urgency
from core.templatetags.badges import badge_html

from ..models import WorkItemKind, WorkItemStatus
from ..selectors import person_name
from ..serializers import id_links, target_refs
from ..targets import masked_title

register = template.Library()

_EMPTY = mark_safe("")


def working_duration(start: datetime, end: datetime) -> str:
    """How long from ``start`` to ``end`` in working time (core.calendar.working_elapsed), in
    Django's words for durations ("3 days, 20 hours"), translated as Django translates them."""
    elapsed = working_elapsed(start, end) if end > start else timedelta(0)
    return timesince(end - elapsed, end)


def _moment(value: datetime) -> tuple[str, str]:
    """A moment in the current time zone: ISO 8601 (for ``<time datetime>``) and as shown."""
    local = timezone.localtime(value)
    return local.isoformat(), f"{local:%Y-%m-%d %H:%M}"


def _links(context: template.Context) -> dict[Any, Any]:
    """The links of the page's rows, reversed once per page (``id_links``, ``target_refs``): the
    item's page and its urge form, and each kind of target's page."""
    links: dict[Any, Any] | None = context.render_context.get("desk_links")
    if links is None:
        links = context.render_context["desk_links"] = {
            "detail": id_links(lambda pk: reverse("workload:item_detail", args=[pk])),
            "urge": id_links(lambda pk: reverse("workload:item_urge", args=[pk])),
        }
    return links


def _target_url(context: template.Context, content_type_id: int, object_id: int) -> str | None:
    links = _links(context)
    ref: Callable[[int], dict[str, Any]] | None = links.get(content_type_id)
    if ref is None:
        ref = links[content_type_id] = target_refs(content_type_id)
    url = ref(object_id)["url"]
    return url if isinstance(url, str) else None


@functools.cache
def _words(language: str | None) -> dict[str, Any]:
    """The labels and badges a row shows, in ``language`` (the active one): made once per process
    and language rather than on each of the page's rows."""
    return {
        "kind": {value: str(label) for value, label in WorkItemKind.choices},
        "kind_fact": {value: format_html("<span>{}</span>", label) for value, label in WorkItemKind.choices},
        "details": _("Details"),
        "escalated": _("Escalated (level %(level)s)"),
        "held_by": _("Held by %(name)s"),
        "assigned_by": _("Assigned by %(name)s"),
        "late": _("by %(duration)s"),
        "left": _("in %(duration)s"),
        "classification": {value: str(label) for value, label in Classification.choices},
        "urgency": {value: badge_html("urgency", value, label) for value, label in Urgency.choices},
        "priority": {value: badge_html("priority", value, label) for value, label in Priority.choices},
        "status": {value: badge_html("status", value, label) for value, label in WorkItemStatus.choices},
        "closed": {value: str(label) for value, label in WorkItemStatus.choices} | {"done": _("Completed")},
        "due": _("Due"),
        "overdue": format_html('<span class="badge text-bg-danger">{}</span>', _("Overdue")),
        "no_deadline": format_html('<span class="text-body-secondary">{}</span>', _("No deadline")),
    }


def _facts(row: dict[str, Any], tab: str, words: dict[str, Any]) -> SafeString:
    facts = [words["kind_fact"].get(row["kind"]) or format_html("<span>{}</span>", row["kind"])]
    facts.append(words["urgency"].get(row["urgency"], _EMPTY))
    facts.append(words["priority"].get(row["priority"], _EMPTY))
    if row["escalation_level"]:
        level = words["escalated"] % {"level": row["escalation_level"]}
        facts.append(format_html('<span class="badge text-bg-dark">{}</span>', level))
    if tab == "assigned":
        facts.append(format_html("<span>{}</span>", words["held_by"] % {"name": person_name(row, "assignee")}))
        if row["status"] != WorkItemStatus.OPEN:
            facts.append(words["status"].get(row["status"], _EMPTY))
    elif row["assigned_by_id"] is not None:
        name = person_name(row, "assigned_by")
        facts.append(format_html("<span>{}</span>", words["assigned_by"] % {"name": name}))
    return mark_safe("\n            ".join(fact for fact in facts if fact))  # noqa: S308 - each fact is safe


def _when(row: dict[str, Any], now: datetime, words: dict[str, Any]) -> SafeString:
    """By when (open rows: the deadline and how long to it or past it, in working time) or when closed."""
    due = row["due_at"]
    if row["status"] == WorkItemStatus.OPEN:
        if due is None:
            return words["no_deadline"]
        if due < now:
            late = words["late"] % {"duration": working_duration(due, now)}
            how_long = format_html('{}\n          <span class="text-danger">{}</span>', words["overdue"], late)
        else:
            left = words["left"] % {"duration": working_duration(now, due)}
            how_long = format_html('<span class="text-body-secondary">{}</span>', left)
        return format_html('<div>{} <time datetime="{}">{}</time></div>{}', words["due"], *_moment(due), how_long)
    if row["completed_at"] is None:
        return _EMPTY
    status = words["closed"].get(row["status"], row["status"])
    return format_html(
        '<div class="text-body-secondary">{} <time datetime="{}">{}</time></div>', status, *_moment(row["completed_at"])
    )


def _urge(context: template.Context, row: dict[str, Any]) -> SafeString:
    """催办 on the open rows of 我交办的; urged less than an hour ago, the row says when instead."""
    pk, urged = row["id"], row["last_urged_at"]
    if urged is not None and urged > context["urge_again_after"]:
        at = _("Urged at %(time)s") % {"time": f"{timezone.localtime(urged):%H:%M}"}
        return format_html('<span class="text-body-secondary" id="urge-{}">{}</span>', pk, at)
    request = context["request"]
    url = _links(context)["urge"](pk)
    # htmx swaps refusals too (429: urged within the hour), so the row says why nothing happened
    # (static/js/desk.js, for forms marked data-swap-refusals).
    return format_html(
        '<form method="post" action="{url}" id="urge-{pk}" hx-post="{url}" hx-target="this" hx-swap="outerHTML"'
        " data-swap-refusals>"
        '<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
        '<input type="hidden" name="next" value="{next}">'
        '<button type="submit" class="btn btn-sm btn-outline-warning py-0">{label}</button></form>',
        url=url,
        pk=pk,
        csrf=get_token(request),
        next=request.get_full_path(),
        label=_("Urge"),
    )


@register.simple_tag(takes_context=True)
def desk_row(context: template.Context, row: dict[str, Any]) -> SafeString:
    """One ``<li>`` of the desk's list for ``row`` (a row of ``selectors.desk_rows``)."""
    pk, tab, now = row["id"], context["tab"], context["now"]
    words = _words(get_language())
    if (row["target_type_id"], row["target_id"]) not in context["visible"]:
        # "一件秘密级待办：审批": the masked wording of every path (``targets.masked_title``), and the kind.
        text = _("%(item)s: %(kind)s") % {
            "item": masked_title(row["classification"]),
            "kind": words["kind"].get(row["kind"], row["kind"]),
        }
        return format_html('<li class="list-group-item text-body-secondary" id="item-{}" data-masked>{}</li>', pk, text)
    target_url = _target_url(context, row["target_type_id"], row["target_id"])
    if target_url:
        title = format_html('<a href="{}" class="link-body-emphasis">{}</a>', target_url, row["title"])
    else:
        title = format_html("{}", row["title"])
    urge = _urge(context, row) if tab == "assigned" and row["status"] == WorkItemStatus.OPEN else _EMPTY
    return format_html(
        """<li class="list-group-item" id="item-{pk}">
      <div class="d-flex flex-column flex-md-row justify-content-between gap-1 gap-md-3">
        <div>
          <div class="fw-semibold text-break">{title}</div>
          <div class="small text-body-secondary d-flex flex-wrap align-items-center column-gap-2 row-gap-1">
            {facts}
          </div>
        </div>
        <div class="small text-md-end text-nowrap">
          {when}
          <div class="d-flex flex-wrap align-items-center justify-content-md-end gap-2 mt-1">
            <a href="{detail_url}" class="link-secondary" id="details-{pk}">{details}</a>{urge}
          </div>
        </div>
      </div>
    </li>""",
        pk=pk,
        title=title,
        facts=_facts(row, tab, words),
        when=_when(row, now, words),
        detail_url=_links(context)["detail"](pk),
        details=words["details"],
        urge=urge,
    )


@register.simple_tag
def kind_options(kind: str | None) -> str:
    """The options of the desk's kind filter with ``kind`` chosen (workload/_kind_options.html),
    rendered once per language and choice and then kept: they change only with a release."""
    return _kind_options(get_language(), kind)


@functools.cache
def _kind_options(language: str | None, kind: str | None) -> str:
    return render_to_string("workload/_kind_options.html", {"kinds": WorkItemKind.choices, "kind": kind})
