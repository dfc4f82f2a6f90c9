"""Documents in the search index (wired to ``workload.search`` when it lands)."""

from .models import Document


def index_document(document: Document) -> None:
    """Refresh ``document``'s entry in the search index."""
