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
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import TIME_STRINGS, timesince
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
    return timesince(end - elapsed, end, time_strings=_time_strings(get_language()))


class _Unit:
    """One of Django's ``timesince`` units ("%(num)d day"), its words for each number kept once per
    process and language: a page of rows says "3 days" many times over."""

    __slots__ = ("language", "unit")

    def __init__(self, language: str | None, unit: str) -> None:
        self.language, self.unit = language, unit

    def __mod__(self, params: dict[str, int]) -> str:
        return _unit_words(self.language, self.unit, params["num"])


@functools.cache
def _unit_words(language: str | None, unit: str, num: int) -> str:
    # Made while ``language`` is the active one (the caller's key): Django's own lazy string.
    return str(TIME_STRINGS[unit] % {"num": num})


@functools.cache
def _time_strings(language: str | None) -> dict[str, _Unit]:
    return {unit: _Unit(language, unit) for unit in TIME_STRINGS}


@functools.cache
def _words(language: str | None) -> dict[str, Any]:
    """The labels and badges a row shows, in ``language`` (the active one): made once per process
    and language rather than on each of the page's rows."""
    return {
        "kind": {value: str(label) for value, label in WorkItemKind.choices},
        "kind_fact": {value: format_html("<span>{}</span>", label) for value, label in WorkItemKind.choices},
        "details": escape(_("Details")),  # escaped once, not on every row
        "escalated": _("Escalated (level %(level)s)"),
        "held_by": _("Held by %(name)s"),
        "assigned_by": _("Assigned by %(name)s"),
        "late": _("by %(duration)s"),
        "left": _("in %(duration)s"),
        "masked": _("%(item)s: %(kind)s"),
        "urge": _("Urge"),
        "urged_at": _("Urged at %(time)s"),
        "classification": {value: str(label) for value, label in Classification.choices},
        "urgency": {value: badge_html("urgency", value, label) for value, label in Urgency.choices},
        "priority": {value: badge_html("priority", value, label) for value, label in Priority.choices},
        "status": {value: badge_html("status", value, label) for value, label in WorkItemStatus.choices},
        "closed": {value: str(label) for value, label in WorkItemStatus.choices} | {"done": _("Completed")},
        "due": escape(_("Due")),
        "overdue": format_html('<span class="badge text-bg-danger">{}</span>', _("Overdue")),
        "no_deadline": format_html('<span class="text-body-secondary">{}</span>', _("No deadline")),
    }


class _Page:
    """What every row of one page shares, worked out at its first row (``_page``): the tab, the
    moment, the visible targets, the words in the active language, the time zone and the links."""

    def __init__(self, context: template.Context) -> None:
        self.tab: str = context["tab"]
        self.now: datetime = context["now"]
        self.visible: set[Any] = context["visible"]
        self.context = context
        self.words = _words(get_language())
        self.zone = timezone.get_current_timezone()
        # The links of the page's rows, reversed once per page (``id_links``, ``target_refs``): the
        # item's page and its urge form, and each kind of target's page.
        self.detail = id_links(lambda pk: reverse("workload:item_detail", args=[pk]))
        self.urge = id_links(lambda pk: reverse("workload:item_urge", args=[pk]))
        self.targets: dict[int, Callable[[int], dict[str, Any]]] = {}
        self.assigners: dict[str | None, SafeString] = {}
        self.masked: dict[tuple[str | None, str], SafeString] = {}

    def target_url(self, content_type_id: int, object_id: int) -> str | None:
        ref = self.targets.get(content_type_id)
        if ref is None:
            ref = self.targets[content_type_id] = target_refs(content_type_id)
        url = ref(object_id)["url"]
        return url if isinstance(url, str) else None

    def assigned_by(self, name: str | None) -> SafeString:
        """ "Assigned by 王处长": the same few people assign most of a page's items, each said once."""
        fact = self.assigners.get(name)
        if fact is None:
            fact = self.assigners[name] = format_html("<span>{}</span>", self.words["assigned_by"] % {"name": name})
        return fact

    def masked_row(self, pk: int, classification: str | None, kind: str) -> SafeString:
        """A row whose target the person may not see: "一件秘密级待办：审批", the masked wording of
        every path (``targets.masked_title``) and the kind, worded once per page for each pair."""
        text = self.masked.get((classification, kind))
        if text is None:
            words = self.words
            wording = words["masked"] % {"item": masked_title(classification), "kind": words["kind"].get(kind, kind)}
            text = self.masked[(classification, kind)] = escape(wording)
        return format_html('<li class="list-group-item text-body-secondary" id="item-{}" data-masked>{}</li>', pk, text)

    def moment(self, value: datetime) -> tuple[str, str]:
        """A moment in the current time zone: ISO 8601 (for ``<time datetime>``) and as shown."""
        local = value.astimezone(self.zone)
        return local.isoformat(), f"{local:%Y-%m-%d %H:%M}"


def _page(context: template.Context) -> _Page:
    page: _Page | None = context.render_context.get("desk_page")
    if page is None:
        page = context.render_context["desk_page"] = _Page(context)
    return page


def _facts(row: dict[str, Any], page: _Page) -> SafeString:
    tab, words = page.tab, page.words
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
        facts.append(page.assigned_by(person_name(row, "assigned_by")))
    return mark_safe("\n            ".join(fact for fact in facts if fact))  # noqa: S308 - each fact is safe


_OVERDUE = '<div>{} <time datetime="{}">{}</time></div>{}\n          <span class="text-danger">{}</span>'
_LEFT = '<div>{} <time datetime="{}">{}</time></div><span class="text-body-secondary">{}</span>'
_CLOSED = '<div class="text-body-secondary">{} <time datetime="{}">{}</time></div>'


def _when(row: dict[str, Any], page: _Page) -> SafeString:
    """By when (open rows: the deadline and how long to it or past it, in working time) or when closed."""
    due, now, words = row["due_at"], page.now, page.words
    if row["status"] == WorkItemStatus.OPEN:
        if due is None:
            return words["no_deadline"]
        if due < now:
            late = words["late"] % {"duration": working_duration(due, now)}
            return format_html(_OVERDUE, words["due"], *page.moment(due), words["overdue"], late)
        left = words["left"] % {"duration": working_duration(now, due)}
        return format_html(_LEFT, words["due"], *page.moment(due), left)
    if row["completed_at"] is None:
        return _EMPTY
    status = words["closed"].get(row["status"], row["status"])
    return format_html(_CLOSED, status, *page.moment(row["completed_at"]))


def _urge(page: _Page, row: dict[str, Any]) -> SafeString:
    """催办 on the open rows of 我交办的; urged less than an hour ago, the row says when instead."""
    pk, urged = row["id"], row["last_urged_at"]
    context = page.context
    if urged is not None and urged > context["urge_again_after"]:
        at = page.words["urged_at"] % {"time": f"{urged.astimezone(page.zone):%H:%M}"}
        return format_html('<span class="text-body-secondary" id="urge-{}">{}</span>', pk, at)
    request = context["request"]
    url = page.urge(pk)
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
        label=page.words["urge"],
    )


_ROW = """<li class="list-group-item" id="item-{pk}">
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
    </li>"""
# The same row when its target has a page: the title links to it.
_ROW_LINKED = """<li class="list-group-item" id="item-{pk}">
      <div class="d-flex flex-column flex-md-row justify-content-between gap-1 gap-md-3">
        <div>
          <div class="fw-semibold text-break"><a href="{target_url}" class="link-body-emphasis">{title}</a></div>
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
    </li>"""


@register.simple_tag(takes_context=True)
def desk_row(context: template.Context, row: dict[str, Any]) -> SafeString:
    """One ``<li>`` of the desk's list for ``row`` (a row of ``selectors.desk_rows``)."""
    page = _page(context)
    pk, tab, words = row["id"], page.tab, page.words
    if (row["target_type_id"], row["target_id"]) not in page.visible:
        return page.masked_row(pk, row["classification"], row["kind"])
    target_url = page.target_url(row["target_type_id"], row["target_id"])
    urge = _urge(page, row) if tab == "assigned" and row["status"] == WorkItemStatus.OPEN else _EMPTY
    return format_html(
        _ROW_LINKED if target_url else _ROW,
        pk=pk,
        title=row["title"],
        target_url=target_url,
        facts=_facts(row, page),
        when=_when(row, page),
        detail_url=page.detail(pk),
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
