"""The search page (``/search/?q=``): what the navigation's search box finds, 20 to a page."""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.errors import ValidationError

from . import search as index


def _position(value: Any) -> index.Position | None:
    """The position a page link carries; one that is not a position starts from the first page."""
    if not value:
        return None
    try:
        return index.Position.decode(value)
    except ValueError:
        return None


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Documents, incoming documents and matters matching the query that the person may see, best
    first, each with its type, highlighted title and snippet; ``?after=`` / ``?before=`` page on
    from a hit's position. A query that cannot be searched for (too long, a lone surrogate, a
    control character) is a 400 page saying why, never a 500."""
    error = ""
    try:
        query = index.clean_query(request.GET.get("q"))
        only = index.clean_type(request.GET.get("type"))
    except ValidationError as refusal:
        query, only, error = "", None, refusal.message
    results: index.Results | None = None
    hits: list[index.Hit] = []
    after, before = _position(request.GET.get("after")), _position(request.GET.get("before"))
    if query:
        results = index.search(user=request.user, query=query, only=only, after=after, before=before)
        hits = index.hits(results.entries, query)
    base = {"q": query, **({"type": only} if only else {})}
    first_page = after is None and before is None
    context = {
        "q": query if not error else "",
        "error": error,
        "hits": hits,
        "only": only,
        "types": [
            (name, str(label), urlencode({"q": query, "type": name})) for name, label in index.type_names().items()
        ],
        "all_types": urlencode({"q": query}),
        # A count only where it is known: the first page, exactly when it is the only one.
        "count": len(hits) if first_page else None,
        "more": results is not None and results.next is not None,
        "first_page": first_page,
        "next": urlencode({**base, "after": results.next.encode()}) if results and results.next else "",
        "previous": urlencode({**base, "before": results.previous.encode()}) if results and results.previous else "",
    }
    return render(request, "workload/search.html", context, status=400 if error else 200)
