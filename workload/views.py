"""我的工作台 (my desk): the person's 待办, 已办 and 我交办的, filtered by kind, paginated."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from . import selectors
from .models import WorkItem, WorkItemKind
from .targets import target_ref

PAGE_SIZE = 25
TABS = ("todo", "done", "assigned")


def _items(tab: str, *, user: object, kind: str | None) -> QuerySet[WorkItem]:
    if tab == "done":
        return selectors.workitems_done(user=user, kind=kind)
    if tab == "assigned":
        return selectors.workitems_assigned_by(user=user, kind=kind)
    return selectors.workitems_todo(user=user, kind=kind)


@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "todo")
    if tab not in TABS:
        tab = "todo"
    kind = request.GET.get("kind") or None
    if kind not in WorkItemKind.values:
        kind = None
    page = Paginator(_items(tab, user=request.user, kind=kind), PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        # Content types are cached per process, so linking a row costs no query.
        item.target_url = target_ref(item.target_type_id, item.target_id)["url"]
    context = {
        "tab": tab,
        "kind": kind,
        "page": page,
        "kinds": WorkItemKind.choices,
        # The pager keeps the tab and the filter.
        "query": urlencode({"tab": tab, **({"kind": kind} if kind else {})}),
    }
    if request.htmx and not request.htmx.history_restore_request:
        # The kind filter and the pager swap only the list.
        response = render(request, "workload/_desk_list.html", context)
    else:
        context["counts"] = selectors.desk_counts(user=request.user)
        response = render(request, "workload/desk.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
