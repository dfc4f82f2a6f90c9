"""Reads of affairs, filtered to what the requesting person may see.

A matter is visible to those cleared for its classification who also need to know it: its
assigner, its owners (lead and assisting), the heads of the owners' departments, the office and the
leaders. Anyone else gets 404, in pages, the API and lists alike. ``matter_visibility`` is the one
rule: ``affairs.apps`` registers it with the ledger (``workload.targets``), which asks it for every
work item, notification, urge and admin page about a matter.
"""

import functools
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.access import headed_department_ids, is_admin, is_leader, is_office_member
from core.enums import Classification
from core.models import Attachment

from .models import (
    Arrangement,
    Matter,
    MatterAssistant,
    MatterEvent,
    MatterEventKind,
    Reception,
    WorkPlan,
    WorkPlanItem,
)


def _oversees(user: Any) -> bool:
    return is_office_member(user) or is_leader(user)


def matter_visibility(user: Any) -> Q:
    """The condition a matter must meet to be visible to ``user``: cleared for its classification
    (clearance binds everyone, the matter's own people included: a person whose clearance was lowered
    sees only that their item exists) and with a need to know."""
    cleared = Q(classification__in=Classification.up_to(user.clearance))
    if _oversees(user):
        return cleared
    # Everyone else sees few matters among many: collect their ids through the indexes (lead,
    # assigner, assistant, department) instead of testing every matter, so that a page costs the
    # same in a year's data as in ten.
    # (lead or assigner: one scan of the matters through both indexes, beside the assistants')
    matter_ids, assisted_ids = _id_columns()  # each request narrows a clone of these to its person
    ids = matter_ids.filter(Q(lead=user) | Q(assigner=user)).union(assisted_ids.filter(user=user))
    headed = headed_department_ids(user)
    if headed:
        in_my_departments = matter_ids.filter(department__in=headed).union(
            assisted_ids.filter(user__department__in=headed)
        )
        return cleared & (Q(pk__in=ids) | Q(pk__in=in_my_departments))
    return cleared & Q(pk__in=ids)


@functools.cache
def _id_columns() -> tuple[QuerySet[Matter, Any], QuerySet[MatterAssistant, Any]]:
    """The matters' ids and the assisted matters' ids, as the rule selects them (``values()``): set up
    once per process, since they depend on no one; the rule filters a clone of each to its person."""
    return Matter.objects.values("pk"), MatterAssistant.objects.values("matter_id")


def matters_visible(*, user: Any) -> QuerySet[Matter]:
    return Matter.objects.filter(matter_visibility(user))


def matter_list(*, user: Any) -> QuerySet[Matter]:
    """Visible matters, newest first (``-id``: keyset pagination pages on it at constant cost).
    The list's filters are affairs.filters.MatterFilter's."""
    return matters_visible(user=user).select_related("lead", "assigner", "department").order_by("-id")


def keyset_page(qs: QuerySet[Any], *, after: int | None, size: int) -> tuple[list[Any], int | None]:
    """One page of a ``-id`` ordered queryset after the id ``after``; returns (rows, next cursor)."""
    if after is not None:
        qs = qs.filter(pk__lt=after)
    rows = list(qs[: size + 1])
    next_after = rows[size - 1].pk if len(rows) > size else None
    return rows[:size], next_after


def matter_get(*, user: Any, pk: int) -> Matter:
    """One visible matter with everything its page needs (owners, timeline, attachments), or 404."""
    events = MatterEvent.objects.select_related("actor", "from_user", "to_user").order_by("created_at", "id")
    matter = (
        matters_visible(user=user)
        .select_related("lead__department", "assigner", "department", "source_type")
        .prefetch_related(
            Prefetch("assistants", queryset=MatterAssistant.objects.select_related("user__department")),
            Prefetch("events", queryset=events),
        )
        .filter(pk=pk)
        .first()
    )
    if matter is None:
        raise Http404
    _attach_files(list(matter.events.all()))
    return matter


def _attach_files(events: list[MatterEvent]) -> None:
    """Give each progress event its ``files`` in one query for the whole timeline."""
    progress = [e for e in events if e.kind == MatterEventKind.PROGRESS]
    by_event: dict[int, list[Attachment]] = {e.pk: [] for e in progress}
    if progress:
        content_type = ContentType.objects.get_for_model(MatterEvent)
        for attachment in Attachment.objects.filter(owner_type=content_type, owner_id__in=list(by_event)):
            by_event[attachment.owner_id].append(attachment)
    for event in events:
        event.files = by_event.get(event.pk, [])  # type: ignore[attr-defined]


def matter_attachment_get(*, user: Any, pk: int) -> Attachment:
    """An attachment of a progress report on a matter the person may see, or 404."""
    content_type = ContentType.objects.get_for_model(MatterEvent)
    attachment = Attachment.objects.filter(pk=pk, owner_type=content_type).first()
    if attachment is None:
        raise Http404
    event = MatterEvent.objects.filter(pk=attachment.owner_id).only("matter_id").first()
    if event is None or not matters_visible(user=user).filter(pk=event.matter_id).exists():
        raise Http404
    return attachment


def matter_owner_ids(matter: Matter) -> set[int]:
    return {matter.lead_id, *(a.user_id for a in matter.assistants.all())}


# --- Receptions -------------------------------------------------------------------------------


def receptions_visible(*, user: Any) -> QuerySet[Reception]:
    if _oversees(user) or is_admin(user):
        return Reception.objects.all()
    condition = (
        Q(created_by=user)
        | Q(host_leader=user)
        | Q(Exists(Reception.accompanying.through.objects.filter(reception_id=OuterRef("pk"), user_id=user.pk)))
        | Q(Exists(Arrangement.objects.filter(reception=OuterRef("pk"), owner=user)))
    )
    headed = headed_department_ids(user)
    if headed:
        condition |= Q(department__in=headed)
    return Reception.objects.filter(condition)


def reception_list(*, user: Any) -> QuerySet[Reception]:
    """Visible receptions, latest arrival first; filtered by affairs.filters.ReceptionFilter."""
    return receptions_visible(user=user).select_related("host_leader", "created_by").order_by("-arrival", "-id")


def reception_get(*, user: Any, pk: int) -> Reception:
    reception = (
        receptions_visible(user=user)
        .select_related("host_leader", "created_by", "department")
        .prefetch_related(
            "visitors",
            "accompanying",
            Prefetch("arrangements", queryset=Arrangement.objects.select_related("owner")),
        )
        .filter(pk=pk)
        .first()
    )
    if reception is None:
        raise Http404
    return reception


def arrangements_visible(*, user: Any) -> QuerySet[Arrangement]:
    """Arrangements of the receptions ``user`` may see (the reception's rule)."""
    return Arrangement.objects.filter(reception__in=receptions_visible(user=user))


def arrangement_get(*, user: Any, pk: int) -> Arrangement:
    arrangement = arrangements_visible(user=user).filter(pk=pk).first()
    if arrangement is None:
        raise Http404
    return arrangement


# --- Work plans -------------------------------------------------------------------------------


def plans_visible(*, user: Any) -> QuerySet[WorkPlan]:
    if _oversees(user) or is_admin(user):
        return WorkPlan.objects.all()
    condition = Q(department_id=user.department_id) | Q(
        Exists(WorkPlanItem.objects.filter(plan=OuterRef("pk"), owner=user))
    )
    headed = headed_department_ids(user)
    if headed:
        condition |= Q(department__in=headed)
    return WorkPlan.objects.filter(condition)


def plan_list(*, user: Any) -> QuerySet[WorkPlan]:
    """Visible work plans, latest period first; filtered by affairs.filters.WorkPlanFilter."""
    return plans_visible(user=user).select_related("department", "created_by").order_by("-period_start", "-id")


def plan_get(*, user: Any, pk: int) -> WorkPlan:
    """A visible plan with its items, their owners and matters (progress comes from the matter)."""
    plan = (
        plans_visible(user=user)
        .select_related("department", "created_by")
        .prefetch_related(
            Prefetch(
                "items",
                # A plan item's matter follows the matter's own rule (its status and progress are
                # the matter's): ``matter_visible`` on each item, part of the items' query.
                queryset=WorkPlanItem.objects.select_related("owner", "matter")
                .annotate(matter_visible=Exists(matters_visible(user=user).filter(pk=OuterRef("matter_id"))))
                .order_by("order", "id"),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def plan_item_get(*, user: Any, pk: int) -> WorkPlanItem:
    item = (
        WorkPlanItem.objects.select_related("plan__department").filter(pk=pk, plan__in=plans_visible(user=user)).first()
    )
    if item is None:
        raise Http404
    return item


def matter_get_after_step(*, pk: int) -> Matter:
    """The matter as a step just left it, loaded as ``matter_get`` does but without the visibility
    check: only to answer the person who took the step (a lead who transferred a matter away
    no longer sees it, yet the answer to their transfer is the matter as transferred)."""
    events = MatterEvent.objects.select_related("actor", "from_user", "to_user").order_by("created_at", "id")
    matter = (
        Matter.objects.select_related("lead__department", "assigner", "department", "source_type")
        .prefetch_related(
            Prefetch("assistants", queryset=MatterAssistant.objects.select_related("user__department")),
            Prefetch("events", queryset=events),
        )
        .get(pk=pk)
    )
    _attach_files(list(matter.events.all()))
    return matter
