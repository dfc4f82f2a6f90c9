"""Reads of coordination matters, filtered to what the requesting person may see.

A coordination matter is visible to those cleared for its classification who also take part: the
person who raised it, the members and heads of its party departments (a department relieved by the
office's ruling included: it was part of it), whoever holds a party's answer item (a colleague the
head passed it to), the office and the leaders. Anyone else gets 404. ``coordination_visibility`` is
the one rule: ``relations.apps`` registers it with the ledger (``workload.targets``).
"""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.access import headed_department_ids, is_leader, is_office_member
from core.enums import Classification
from core.errors import NotFound
from workload.dashboards import pass_back_condition
from workload.models import WorkItem

from .models import CoordinationMatter, CoordinationParty


def oversees(user: Any) -> bool:
    return is_office_member(user) or is_leader(user)


def coordination_visibility(user: Any) -> Q:
    """The condition a coordination matter must meet to be visible to ``user``."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    cleared = Q(classification__in=Classification.up_to(user.clearance))
    if oversees(user):
        return cleared
    departments = set(headed_department_ids(user))
    if user.department_id is not None:
        departments.add(user.department_id)
    parties = CoordinationParty.objects.filter(Q(department__in=departments) | Q(work_item__assignee=user))
    return cleared & (Q(raised_by=user) | Q(pk__in=parties.values("coordination_id")))


def coordinations_visible(*, user: Any) -> QuerySet[CoordinationMatter]:
    return CoordinationMatter.objects.filter(coordination_visibility(user))


def coordination_list(*, user: Any) -> QuerySet[CoordinationMatter]:
    """Visible matters, newest first, with their parties (department names) for the list."""
    return (
        coordinations_visible(user=user)
        .select_related("raised_by")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=CoordinationParty.objects.select_related("department").order_by("role", "department__order"),
            )
        )
        .order_by("-id")
    )


def _parties() -> Prefetch:
    return Prefetch(
        "parties",
        queryset=CoordinationParty.objects.select_related(
            "department__head", "responded_by", "work_item__assignee"
        ).order_by("role", "department__order", "department_id"),
    )


def coordination_get(*, user: Any, pk: int) -> CoordinationMatter:
    """One visible matter with its parties, or 404."""
    found = (
        coordinations_visible(user=user)
        .select_related("raised_by", "ruled_by", "referred_to", "matter", "meeting")
        .prefetch_related(_parties())
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def coordination_get_after_step(*, pk: int) -> CoordinationMatter:
    """The matter as a step just left it, for the answer to the person who took the step."""
    return (
        CoordinationMatter.objects.select_related("raised_by", "ruled_by", "referred_to", "matter", "meeting")
        .prefetch_related(_parties())
        .get(pk=pk)
    )


def pass_backs_by_department() -> QuerySet[Any]:
    """The buck-passing index by outcome, of all time: per department (at assignment), how many items
    ended in a pass-back in the dashboards' vocabulary (``workload.dashboards.PASS_BACKS``: a
    coordination decline, being taken off by a ruling before accepting, a feedback re-routed away).
    The dashboards add the period and the reassignments to another department."""
    return (
        WorkItem.objects.filter(pass_back_condition(), department__isnull=False)
        .values("department", "department__name")
        .annotate(passes=Count("id"))
        .order_by("-passes", "department")
    )
