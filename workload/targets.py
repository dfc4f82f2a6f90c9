"""What a work item points at: its type name and page, without loading the target row.

Each coordination app registers its models with the URL name of their detail page, in its
``AppConfig.ready``; the ledger then links any item to its page from the content type and id alone.
"""

import re
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse

_url_names: dict[str, str] = {}


def register(model: type[models.Model], url_name: str) -> None:
    _url_names[model._meta.label_lower] = url_name


def type_name(model: type[models.Model]) -> str:
    """``CommentRequest`` → ``comment_request`` (API.md, target.type)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def target_ref(content_type_id: int, object_id: int) -> dict[str, object]:
    # ContentType lookups by id are cached by Django for the life of the process.
    content_type = ContentType.objects.get_for_id(content_type_id)
    model = content_type.model_class() or apps.get_model(content_type.app_label, content_type.model)
    url_name = _url_names.get(model._meta.label_lower)
    url = None
    if url_name:
        try:
            url = reverse(url_name, args=[object_id])
        except NoReverseMatch:
            url = None
    return {"type": type_name(model), "id": object_id, "url": url}


# replaced by the vis branch at merge
def visible_refs(user: Any, refs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """The ``(content_type_id, object_id)`` pairs among ``refs`` whose target ``user`` may see."""
    return set(refs)
