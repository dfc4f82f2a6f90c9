"""What the dashboards' process views ask of the apps above the ledger, registered in their
``AppConfig.ready`` (like ``workload.targets``): the ledger knows work items, not the steps of an
approval chain or what became of a meeting's decisions.

- ``register_steps(model, step=..., labels=...)``: how to name the step of the items that point at
  ``model`` objects (documents: an approval's 核稿 / 会签 / 审核 / 签发), as an expression on
  ``WorkItem`` (a subquery on ``target_id``), so that one grouped query labels every item at once.
- ``register_follow_through(figures)``: the follow-through of meeting decisions (meetings: decisions
  taken → matters opened → done on time / late / open), per department, for a period.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, CharField, Value, When

# Given nothing, an expression on WorkItem (``OuterRef("target_id")`` inside) giving the step key.
StepExpression = Callable[[], Any]
# The label of each step key, in the chain's order.
StepLabels = Callable[[], list[tuple[str, str]]]

_steps: dict[str, tuple[type[models.Model], StepExpression, StepLabels]] = {}


def register_steps(model: type[models.Model], *, step: StepExpression, labels: StepLabels) -> None:
    """Items whose target is a ``model`` object have a step: ``step()`` names it, ``labels()`` reads it."""
    _steps[model._meta.label_lower] = (model, step, labels)


def step_expression() -> Any:
    """The step key of a work item (blank where its target type registered none): one ``CASE`` over the
    registered target types."""
    whens = [
        When(target_type_id=ContentType.objects.get_for_model(model).pk, then=step())
        for model, step, _labels in _steps.values()
    ]
    if not whens:
        return Value("", output_field=CharField())
    return Case(*whens, default=Value(""), output_field=CharField())


def step_choices() -> list[tuple[str, str]]:
    """Every registered step (key, label), in registration and chain order."""
    return [choice for _model, _step, labels in _steps.values() for choice in labels()]


@dataclass(frozen=True)
class FollowThroughQuery:
    start_at: datetime  # the period, inclusive
    end_at: datetime  # exclusive
    now: datetime
    departments: list[int] | None  # None: every department


# Given the query, rows ``{"department": id or None, "decided", "opened", "on_time", "late", "open",
# "overdue"}`` (one per department; ``None`` for decisions no matter follows yet).
FollowThroughFigures = Callable[[FollowThroughQuery], list[dict[str, Any]]]
_follow_through: list[FollowThroughFigures] = []


def register_follow_through(figures: FollowThroughFigures) -> None:
    if figures not in _follow_through:
        _follow_through.append(figures)


FOLLOW_THROUGH_FIGURES = ("decided", "opened", "on_time", "late", "open", "overdue")


def follow_through(query: FollowThroughQuery) -> dict[int | None, dict[str, int]]:
    """The registered follow-through figures summed by department (``None``: no matter yet)."""
    totals: dict[int | None, dict[str, int]] = {}
    for figures in _follow_through:
        for row in figures(query):
            into = totals.setdefault(row["department"], dict.fromkeys(FOLLOW_THROUGH_FIGURES, 0))
            for key in FOLLOW_THROUGH_FIGURES:
                into[key] += int(row.get(key) or 0)
    return totals
