"""The registry of what work items point at: each target type's page and who may see it.

Each coordination app registers its models, in its ``AppConfig.ready``, with the URL name of their
detail page and the rule that selects the objects of that model a person may see (the app's own
selector: the rule is written once, there, and only called here). The ledger then links any item to
its page from the content type and id alone, and every path that shows something derived from a
target (a work item, a notification, an urge, an e-mail, an admin page) asks ``visible_refs`` or
``may_see`` before showing its title.

Fail closed: a target type that nobody registered is visible to no one, superusers included
(administrators administer people and settings, not content). The one exception is the ledger's own
masking: an item's assignee and assigner still see that their item exists (``workload.selectors``).
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, IntegerField, Q, QuerySet, Value
from django.urls import NoReverseMatch, reverse

from notifications.presentation import classified_item

TargetRef = tuple[int, int]
# Given a person, the objects of the model they may see: a condition on the model or a queryset of it.
VisibleRule = Callable[[Any], "Q | QuerySet[Any]"]


# By model label (``affairs.matter``): the URL name of the detail page, and the visibility rule.
_url_names: dict[str, str] = {}
_rules: dict[str, VisibleRule] = {}


def register(model: type[models.Model], url_name: str | None, *, visible: VisibleRule | None = None) -> None:
    """Make ``model`` a target type: its detail page's URL name and who may see its objects.

    Without ``visible`` the type is linked but its objects are visible to no one (fail closed).
    """
    label = model._meta.label_lower
    if url_name:
        _url_names[label] = url_name
    if visible is not None:
        _rules[label] = visible


def visible_queryset(user: Any, model: type[models.Model], *, among: Iterable[int] | None = None) -> QuerySet[Any]:
    """The objects of ``model`` that ``user`` may see, by the registered rule (none if unregistered);
    with ``among``, only those of these ids (the rule and the ids in one ``filter()``)."""
    rule_of = _rules.get(model._meta.label_lower)
    if rule_of is None or not getattr(user, "is_authenticated", False):
        return model._default_manager.none()
    rule = rule_of(user)
    narrow = {} if among is None else {"pk__in": among}
    if isinstance(rule, QuerySet):
        return rule.filter(**narrow) if narrow else rule
    return model._default_manager.filter(rule, **narrow)


def visible_condition(user: Any, *, type_field: str = "target_type", id_field: str = "target_id") -> Q:
    """A condition on rows that point at a target (a work item, a notification, an audit entry):
    their target is one ``user`` may see, by its type's rule. Matches nothing without a rule."""
    condition = Q(pk__in=[])
    for label in _rules:
        model = apps.get_model(label)
        seen = visible_queryset(user, model).values("pk")
        condition |= Q(**{f"{type_field}_id": ContentType.objects.get_for_model(model).pk, f"{id_field}__in": seen})
    return condition


def audit_visibility(user: Any) -> Q:
    """Which audit entries ``user`` may open: those about people, settings or nothing, and those
    about content (a registered target type, or a work item on one) only when they may see it."""
    from .models import WorkItem  # the ledger's own rows are content derived from their targets

    item_type = ContentType.objects.get_for_model(WorkItem).pk
    content_types = [ContentType.objects.get_for_model(apps.get_model(label)).pk for label in _rules]
    items_seen = WorkItem.objects.filter(visible_condition(user)).values("pk")
    return (
        Q(target_type__isnull=True)
        | ~Q(target_type_id__in=[*content_types, item_type])
        | visible_condition(user)
        | Q(target_type_id=item_type, target_id__in=items_seen)
    )


def masked_title(classification: str | None) -> str:
    """What a person who may not see an item's target is told of it: "一件秘密级待办" (the wording is
    the notifications' own, ``notifications.presentation.classified_item``: one place for it)."""
    return classified_item(classification)


def _model_of(content_type_id: int) -> type[models.Model] | None:
    # ContentType lookups by id are cached by Django for the life of the process.
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        return None
    return content_type.model_class()


def visible_refs(user: Any, refs: Iterable[TargetRef]) -> set[TargetRef]:
    """Which of ``refs`` (content type id, object id) ``user`` may see: one query however many
    target types the refs hold (a UNION ALL of each type's rule, narrowed to its ids), so that a
    page's query count does not depend on what its rows point at. The rules themselves may look
    up the person's roles (once per request, ``accounts.access``). Refs of a type nobody
    registered are visible to no one and need no query."""
    by_type: dict[int, set[int]] = defaultdict(set)
    for content_type_id, object_id in refs:
        by_type[content_type_id].add(object_id)
    asked = [(ct, ids, model) for ct, ids in sorted(by_type.items()) if (model := _registered_model(ct)) is not None]
    if not asked:
        return set()
    if len(asked) == 1:
        # One type on the page (the usual case): its rule narrowed to the ids, the ids alone.
        content_type_id, ids, model = asked[0]
        seen = visible_queryset(user, model, among=ids).order_by().values_list("pk", flat=True)
        return {(content_type_id, pk) for pk in seen}
    branches: list[QuerySet[Any, tuple[int, int]]] = []
    for content_type_id, ids, model in asked:
        # Each row says its type: (content type id, id), both as annotations, in this order.
        branch = visible_queryset(user, model, among=ids).order_by()
        branches.append(branch.values_list(Value(content_type_id, output_field=IntegerField()), F("pk")))
    first, *rest = branches
    return set(first.union(*rest, all=True))


def _registered_model(content_type_id: int) -> type[models.Model] | None:
    """The model of a content type that has a visibility rule; None for any other (nobody sees it)."""
    model = _model_of(content_type_id)
    return model if model is not None and model._meta.label_lower in _rules else None


def may_see(user: Any, target: models.Model) -> bool:
    """Whether ``user`` may see ``target`` (one object)."""
    content_type = ContentType.objects.get_for_model(target)
    return (content_type.pk, target.pk) in visible_refs(user, [(content_type.pk, target.pk)])


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
