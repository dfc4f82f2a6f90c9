"""Where a notification's target lives (its type name and page): a rule the layers above fill in.

``notifications`` knows nothing of work items, matters or documents (DESIGN.md, Layers). The ledger
(``workload``), which keeps the registry of target types and their pages (``workload.targets``),
registers its resolver at start-up; the notification centre, the API and e-mails ask ``target_ref``.
"""

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType

Resolver = Callable[[int, int], dict[str, object]]

_resolver: Resolver | None = None


def set_resolver(resolver: Resolver) -> None:
    """Called once by the ledger's ``AppConfig.ready``."""
    global _resolver
    _resolver = resolver


def target_ref(content_type_id: int, object_id: int) -> dict[str, object]:
    """``{"type": ..., "id": ..., "url": ...}`` of a target; without a registered rule, no page."""
    if _resolver is not None:
        return _resolver(content_type_id, object_id)
    # Content types are cached by Django for the life of the process.
    return {"type": ContentType.objects.get_for_id(content_type_id).model, "id": object_id, "url": None}
