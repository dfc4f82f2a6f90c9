"""我的工作台 (my desk): the person's 待办, 已办 and 我交办的, filtered by kind, paginated; and the
page of one work item with its reminder and escalation history and the urge (催办) form."""

from collections.abc import Callable
from datetime import datetime
from functools import cache, partial
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import avoid_wrapping
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import is_office_member
from core.enums import Priority, Urgency
from core.errors import Conflict, NotFound, RateLimited, ValidationError

from . import selectors
from .forms import UrgeForm
from .history import workitem_history
from .models import WorkItem, WorkItemKind, WorkItemStatus
from .serializers import id_links, target_refs
from .targets import masked_title, target_ref
from .urging import URGE_INTERVAL, workitem_urge

PAGE_SIZE = 25
TABS = selectors.DESK_TABS


@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    """我的工作台: one tab of the person's items, filtered by kind, 25 to a page, with the tab badges.

    Two queries whatever the number of items: selectors.desk_summary (the badges, the pager's total
    and the bell) and selectors.desk_rows (the page).
    """
    tab = request.GET.get("tab", "todo")
    if tab not in TABS:
        tab = "todo"
    kind = request.GET.get("kind") or None
    if kind not in WorkItemKind.values:
        kind = None
    now = timezone.now()
    summary = selectors.desk_summary(user=request.user, now=now, kind=kind)
    rows = _TabRows(request.user, tab=tab, kind=kind, now=now, count=summary[f"listed_{tab}"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tab": tab,
        "kind": kind,
        "page": page,
        "rows": _DeskRows(request, tab=tab, now=now).html(page.object_list),
        # The pager keeps the tab and the filter.
        "query": urlencode({"tab": tab, **({"kind": kind} if kind else {})}),
        # The bell in the navigation, counted with the badges (no query of its own).
        "unread_notification_count": summary["unread"],
    }
    if request.htmx and not request.htmx.history_restore_request:
        # The kind filter and the pager swap only the list.
        response = render(request, "workload/_desk_list.html", context)
    else:
        context["counts"] = summary
        # Rendered when the page shows it (once per language and choice, then kept).
        context["kind_options"] = partial(_kind_options, get_language(), kind)
        response = render(request, "workload/desk.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


class _TabRows:
    """A tab's rows as Django's Paginator reads them: the total is known (desk_summary counted it),
    and a slice is one query for just that page."""

    ordered = True

    def __init__(self, user: Any, *, tab: str, kind: str | None, now: datetime, count: int) -> None:
        self.user, self.tab, self.kind, self.now, self.total = user, tab, kind, now, count

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        start, stop = index.start or 0, min(index.stop, self.total)
        if stop <= start:
            return []
        return selectors.desk_rows(
            user=self.user, tab=self.tab, kind=self.kind, now=self.now, limit=stop - start, offset=start
        )


# --- The rows of my desk --------------------------------------------------------------------------
# A row's markup is put together here rather than in a template: 25 rows through Django's template
# engine take 1.5 to 2 ms, more than the rest of the page together (see `make bench`), and the desk
# is every person's landing page. The words are translated (and escaped) once per language and
# process, the links reversed once (per process, or per page for targets), and every value from the
# database is escaped.

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
_DUE = """<div>{due} <time datetime="{iso}">{at}</time></div>"""
_LATE = """<span class="badge text-bg-danger">{overdue}</span>
          <span class="text-danger">{relative}</span>"""
_LEFT = """<span class="text-body-secondary">{relative}</span>"""
_CLOSED = """<div class="text-body-secondary">{status} <time datetime="{iso}">{at}</time></div>"""
# htmx swaps refusals too (429: urged within the hour), so the row says why nothing happened.
_URGE = (
    """
            <form method="post" action="{url}" id="urge-{pk}" hx-post="{url}" hx-target="this" hx-swap="outerHTML"
                  hx-on::before-swap="if (event.detail.xhr.status < 500) """
    """{{ event.detail.shouldSwap = true; event.detail.isError = false; }}">{csrf}
              <input type="hidden" name="next" value="{next}">
              <button type="submit" class="btn btn-sm btn-outline-warning py-0">{urge}</button>
            </form>"""
)
_URGED = """
            <span class="text-body-secondary" id="urge-{pk}">{urged}</span>"""

# The badges of a row: Bootstrap's colour for the more pressing urgencies and priorities.
_URGENCY_BADGES = {Urgency.EXTRA_URGENT: "text-bg-danger", Urgency.URGENT: "text-bg-warning"}
_PRIORITY_BADGES = {Priority.KEY: "text-bg-primary", Priority.SECONDARY: "text-bg-info"}
# Django's own words for durations (django.utils.timesince.TIME_STRINGS): its translations serve.
_AMOUNTS = {
    "year": ("%(num)d year", "%(num)d years"),
    "month": ("%(num)d month", "%(num)d months"),
    "week": ("%(num)d week", "%(num)d weeks"),
    "day": ("%(num)d day", "%(num)d days"),
    "hour": ("%(num)d hour", "%(num)d hours"),
    "minute": ("%(num)d minute", "%(num)d minutes"),
}
_CHUNKS = (("week", 60 * 60 * 24 * 7), ("day", 60 * 60 * 24), ("hour", 60 * 60), ("minute", 60))
_SEPARATOR = ", "
_FOUR_WEEKS = 60 * 60 * 24 * 28  # shorter than any month: below it, timesince counts no months


class _Amount:
    """``TIME_STRINGS[unit]`` for timesince, formatted from the cache of ``_words``."""

    def __init__(self, words: dict[str, Any], unit: str) -> None:
        self.words, self.unit = words, unit

    def __mod__(self, values: dict[str, int]) -> str:
        return _amount(self.words, self.unit, values["num"])


def _amount(words: dict[str, Any], unit: str, count: int) -> str:
    """ "3 days" in the words' language, kept from wrapping (as timesince says it), made once."""
    text = words["amounts"].get((unit, count))
    if text is None:
        singular, plural = _AMOUNTS[unit]
        text = words["amounts"][unit, count] = avoid_wrapping(ngettext(singular, plural, count) % {"num": count})
    return text


@cache
def _kind_options(language: str | None, kind: str | None) -> str:
    """The options of the kind filter in ``language`` (the active one) with ``kind`` chosen."""
    return render_to_string("workload/_kind_options.html", {"kinds": WorkItemKind.choices, "kind": kind})


@cache
def _words(language: str | None) -> dict[str, Any]:
    """The desk's words in ``language`` (the active one), translated and escaped once per process."""

    def badge(css: str, label: Any) -> str:
        return f'<span class="badge {css}">{escape(str(label))}</span>'

    words: dict[str, Any] = {
        "kind": {value: escape(str(label)) for value, label in WorkItemKind.choices},
        "urgency": {value: badge(css, Urgency(value).label) for value, css in _URGENCY_BADGES.items()},
        "priority": {value: badge(css, Priority(value).label) for value, css in _PRIORITY_BADGES.items()},
        "status": {value: escape(str(label)) for value, label in WorkItemStatus.choices},
        "due": escape(_("Due")),
        "overdue": escape(_("Overdue")),
        "no_deadline": f'<span class="text-body-secondary">{escape(_("No deadline"))}</span>',
        "completed": escape(_("Completed")),
        "details": escape(_("Details")),
        "urge": escape(_("Urge")),
        "escalated": _("Escalated (level %(level)s)"),
        "held_by": _("Held by %(name)s"),
        "assigned_by": _("Assigned by %(name)s"),
        "late": _("by %(duration)s"),
        "left": _("in %(duration)s"),
        "urged_at": _("Urged at %(time)s"),
        "separator": _(_SEPARATOR),
    }
    # "3 days" and the like, filled in as they are first said (a few hundred at most).
    words["amounts"] = {}
    words["time_strings"] = {unit: _Amount(words, unit) for unit in _AMOUNTS}
    return words


class _DeskRows:
    """The markup of a page of rows (``selectors.desk_rows``) for one tab of the desk."""

    def __init__(self, request: HttpRequest, *, tab: str, now: datetime) -> None:
        self.request, self.tab, self.now = request, tab, now
        self.words = _words(get_language())
        self.zone = timezone.get_current_timezone()
        self.detail_url, self.urge_url = _item_links(settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
        self.targets: dict[int, Callable[[int], dict[str, Any]]] = {}
        self._urge_form: dict[str, str] | None = None

    def html(self, items: list[dict[str, Any]]) -> SafeString:
        return mark_safe("\n    ".join(self.row(item) for item in items))  # noqa: S308 - every value is escaped

    def row(self, item: dict[str, Any]) -> str:
        words, pk, status = self.words, item["id"], item["status"]
        is_open = status == WorkItemStatus.OPEN
        title = escape(item["title"])
        target_url = self.target_url(item["target_type_id"], item["target_id"])
        if target_url:
            title = f'<a href="{escape(target_url)}" class="link-body-emphasis">{title}</a>'
        facts = [f"<span>{words['kind'].get(item['kind']) or escape(item['kind'])}</span>"]
        if item["urgency"] in words["urgency"]:
            facts.append(words["urgency"][item["urgency"]])
        if item["priority"] in words["priority"]:
            facts.append(words["priority"][item["priority"]])
        if item["escalation_level"]:
            level = escape(words["escalated"] % {"level": item["escalation_level"]})
            facts.append(f'<span class="badge text-bg-dark">{level}</span>')
        if self.tab == "assigned":
            held_by = words["held_by"] % {"name": selectors.person_name(item, "assignee")}
            facts.append(f"<span>{escape(held_by)}</span>")
            if not is_open:
                facts.append(f'<span class="badge text-bg-light border">{words["status"].get(status, status)}</span>')
        elif item["assigned_by_id"] is not None:
            assigned_by = words["assigned_by"] % {"name": selectors.person_name(item, "assigned_by")}
            facts.append(f"<span>{escape(assigned_by)}</span>")

        when = urge = ""
        if is_open:
            due = item["due_at"]
            if due is None:
                when = words["no_deadline"]
            elif due < self.now:
                late = escape(words["late"] % {"duration": self.duration(due, self.now)})
                when = _DUE.format(due=words["due"], **self.local(due))
                when += _LATE.format(overdue=words["overdue"], relative=late)
            else:
                left = escape(words["left"] % {"duration": self.duration(self.now, due)})
                when = _DUE.format(due=words["due"], **self.local(due)) + _LEFT.format(relative=left)
            if self.tab == "assigned":
                urged = item["last_urged_at"]
                if urged is not None and urged > self.now - URGE_INTERVAL:
                    # Urged less than an hour ago: a new urge would be refused, so the row says when.
                    at = escape(words["urged_at"] % {"time": self.local(urged)["at"][-5:]})
                    urge = _URGED.format(pk=pk, urged=at)
                else:
                    urge = _URGE.format(pk=pk, url=escape(self.urge_url(pk) or ""), **self.urge_form())
        elif item["completed_at"] is not None:
            label = words["completed"] if status == WorkItemStatus.DONE else words["status"].get(status, status)
            when = _CLOSED.format(status=label, **self.local(item["completed_at"]))
        return _ROW.format(
            pk=pk,
            title=title,
            facts="\n            ".join(facts),
            when=when,
            detail_url=escape(self.detail_url(pk) or ""),
            details=words["details"],
            urge=urge,
        )

    def local(self, moment: datetime) -> dict[str, str]:
        """A moment in the current time zone: ISO 8601 (``iso``, for ``<time datetime>``) and as shown."""
        iso = moment.astimezone(self.zone).isoformat()
        return {"iso": iso, "at": f"{iso[:10]} {iso[11:16]}"}  # Y-m-d H:i

    def urge_form(self) -> dict[str, str]:
        """What every urge form of the page shares: the CSRF field and the way back here."""
        if self._urge_form is None:
            token = escape(get_token(self.request))
            self._urge_form = {
                "csrf": f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">',
                "next": escape(self.request.get_full_path()),
                "urge": self.words["urge"],
            }
        return self._urge_form

    def target_url(self, content_type_id: int, object_id: int) -> str | None:
        """``target_ref``'s link, reversed once per page for each kind of target."""
        refs = self.targets.get(content_type_id)
        if refs is None:
            refs = self.targets[content_type_id] = target_refs(content_type_id)
        return refs(object_id)["url"]

    def duration(self, start: datetime, end: datetime) -> str:
        """``timesince(start, end)``: the same words, without its calendar arithmetic below four weeks."""
        words, seconds = self.words, int((end - start).total_seconds())
        if seconds >= _FOUR_WEEKS:
            return timesince(start, end, time_strings=words["time_strings"])
        parts: list[str] = []
        for unit, chunk in _CHUNKS:
            count, seconds = divmod(seconds, chunk)
            if count:
                parts.append(_amount(words, unit, count))
            elif parts:
                break  # adjacent units only, as timesince: never "2 weeks, 3 hours"
            if len(parts) == 2:
                break
        return words["separator"].join(parts) if parts else _amount(words, "minute", 0)


@cache
def _item_links(urlconf: str, override: Any, prefix: str) -> tuple[Callable[[int], str | None], ...]:
    """The links of a row to its item's page and to its urge form, reversed once per process."""
    return (
        id_links(lambda pk: reverse("workload:item_detail", args=[pk])),
        id_links(lambda pk: reverse("workload:item_urge", args=[pk])),
    )


# --- One work item ------------------------------------------------------------------------------


def _urged_recently(item: WorkItem) -> bool:
    """Urged less than an hour ago: a new urge would be refused (the service decides; this is a hint)."""
    return item.last_urged_at is not None and item.last_urged_at > timezone.now() - URGE_INTERVAL


def _may_urge(user: Any, item: WorkItem) -> bool:
    """Whether to offer the urge form: the item is open and the person assigned it or is the office."""
    return (
        item.status == WorkItemStatus.OPEN
        and user.pk != item.assignee_id
        and (user.pk == item.assigned_by_id or is_office_member(user))
    )


def _visible_item(request: HttpRequest, pk: int) -> WorkItem:
    """The item if the person may see it (workload.selectors.workitem_get), else 404."""
    return selectors.workitem_get(user=request.user, pk=pk)


def _render_item(
    request: HttpRequest, item: WorkItem, *, form: UrgeForm | None = None, refusal: Any = None
) -> HttpResponse:
    if not item.target_visible:  # type: ignore[attr-defined]
        # Its assignee or assigner, no longer cleared for its target: that it exists, nothing more.
        item.title, item.outcome, item.target_url = masked_title(item.classification), "", None
        context = {"item": item, "history": [], "may_urge": False, "masked": True}
        return render(request, "workload/item_detail.html", context)
    item.target_url = target_ref(item.target_type_id, item.target_id)["url"]
    context = {
        "item": item,
        "history": workitem_history(item=item),
        "may_urge": _may_urge(request.user, item),
        # Urged less than an hour ago: when it may be urged again.
        "urge_again_at": item.last_urged_at + URGE_INTERVAL if _urged_recently(item) else None,
        "urge_form": form or UrgeForm(),
        "refusal": refusal,
    }
    return render(
        request, "workload/item_detail.html", context, status=refusal.status_code if refusal is not None else 200
    )


@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A work item: what, whose, by when, where it points, and every reminder, escalation and urge."""
    return _render_item(request, _visible_item(request, pk))


@require_POST
def item_urge(request: HttpRequest, pk: int) -> HttpResponse:
    """催办 from the item's page (PRG) or, over htmx, from a row of the desk (returns the outcome).

    Someone who may see the item but not urge it (its assignee) gets 403 from the service;
    a second urge within the hour gets 429 with the service's message and records nothing.
    """
    item = _visible_item(request, pk)
    if not item.target_visible:  # type: ignore[attr-defined]
        raise NotFound()  # nothing to urge that the person may see
    form = UrgeForm(request.POST)
    refusal = None
    if form.is_valid():
        try:
            workitem_urge(actor=request.user, item=item, message=form.cleaned_data["message"])
        except (RateLimited, Conflict, ValidationError) as error:
            # PermissionDenied is left to the error page (403): the form was never offered.
            refusal = error
    else:
        refusal = ValidationError(_("Please correct the marked fields."))
    if request.htmx:
        response = render(request, "workload/_urge_outcome.html", {"item": item, "refusal": refusal})
        response.status_code = refusal.status_code if refusal is not None else 200
        return response
    if refusal is not None:
        return _render_item(request, item, form=form, refusal=refusal)
    messages.success(request, _("%(name)s has been urged to finish this.") % {"name": item.assignee.display_name})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("workload:item_detail", pk=item.pk)
