"""Pages of documents: approval."""

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern

from ..models import Document

urls: list[URLPattern] = []


def detail_context(request: HttpRequest, document: Document) -> dict[str, Any]:
    """What the document page shows of this stage."""
    return {}
