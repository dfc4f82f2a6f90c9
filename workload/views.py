"""我的工作台 (my desk): the person's 待办, 已办 and 我交办的, filtered by kind, paginated; and the
page of one work item with its reminder and escalation history and the urge (催办) form."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import is_office_member
from core.errors import Conflict, NotFound, RateLimited, ValidationError

from . import selectors
from .filters import DeskFilter
from .forms import UrgeForm
from .history import workitem_history
from .models import WorkItem, WorkItemStatus
from .targets import masked_title, target_ref, visible_refs
from .urging import URGE_INTERVAL, workitem_urge

PAGE_SIZE = 25


@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    """我的工作台: one tab of the person's items, filtered by kind, 25 to a page, with the tab badges.

    Two queries whatever the number of items: selectors.desk_summary (the badges, the pager's total
    and the bell) and the page of selectors.desk_rows; the rows are drawn by workload/_desk_list.html
    with the ``desk_row`` tag, and say only their kind for a target the person may not see
    (workload.targets.visible_refs, asked once for the page).
    """
    tab, kind = DeskFilter.choice(request.GET)  # a value not offered is ignored
    now = timezone.now()
    summary = selectors.desk_summary(user=request.user, now=now, kind=kind, tabs=[tab])
    rows = selectors.desk_rows(user=request.user, tab=tab, kind=kind, now=now)
    page = CountedPaginator(rows, PAGE_SIZE, count=summary[f"listed_{tab}"]).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    context = {
        "tab": tab,
        "kind": kind,
        "page": page,
        "now": now,
        "urge_again_after": now - URGE_INTERVAL,
        "visible": visible_refs(request.user, {(row["target_type_id"], row["target_id"]) for row in page}),
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
        response = render(request, "workload/desk.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


class CountedPaginator(Paginator):
    """Django's Paginator over a queryset whose total is already known (desk_summary counted it
    with the badges), so that a page costs one query: the slice."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


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
