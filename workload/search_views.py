"""The search page (``/search/?q=``): what the navigation's search box finds, 20 to a page."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.errors import ValidationError

from . import search as index

PAGE_SIZE = 20


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Documents, incoming documents and matters matching the query that the person may see, best
    first, each with its type, highlighted title and snippet. A query that cannot be searched for
    (too long, a lone surrogate, a control character) is a 400 page saying why, never a 500."""
    error = ""
    try:
        query = index.clean_query(request.GET.get("q"))
        only = index.clean_type(request.GET.get("type"))
    except ValidationError as refusal:
        query, only, error = "", None, refusal.message
    page = None
    hits: list[index.Hit] = []
    if query:
        entries = index.search(user=request.user, query=query, only=only).only(
            "content_type_id", "object_id", "title", "text"
        )
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        hits = index.hits(page.object_list, query)
    context = {
        "q": query if not error else "",
        "error": error,
        "page": page,
        "hits": hits,
        "query": urlencode({"q": query, **({"type": only} if only else {})}),
        "only": only,
        "types": [
            (name, str(label), urlencode({"q": query, "type": name})) for name, label in index.type_names().items()
        ],
        "all_types": urlencode({"q": query}),
        "capped": page is not None and page.paginator.count >= index.MAX_CANDIDATES,
        "cap": index.MAX_CANDIDATES,
    }
    return render(request, "workload/search.html", context, status=400 if error else 200)
