"""Writes of affairs. ``matter_create`` is the one door through which other apps create follow-ups.

The matter's state machine is the table ``MATTER_TRANSITIONS``; each transition locks the matter
row, checks the current state, writes its timeline event and audit event, and keeps the ledger
exact: every owner has one open work item while they owe something, the assigner has one while a
confirmation is pending, and nothing else stays open.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import headed_department_ids, is_admin, is_leader, is_office_member
from accounts.models import Department, User
from core import calendar
from core.attachments import attachment_store, attachments_check
from core.audit import audit_record
from core.enums import Classification, Priority, Urgency
from core.errors import Conflict, PermissionDenied, ValidationError
from notifications.models import NotificationKind
from notifications.services import notification_create
from workload.models import WorkItemKind, WorkItemStatus
from workload.services import (
    workitem_open,
    workitem_reassign,
    workitems_open_for_target,
    workitems_reclassify_for_target,
    workitems_settle_for_target,
)

from .models import (
    Arrangement,
    ArrangementKind,
    ArrangementStatus,
    Matter,
    MatterAssistant,
    MatterEvent,
    MatterEventKind,
    MatterSource,
    MatterStatus,
    PlanKind,
    PlanPeriod,
    Reception,
    ReceptionStatus,
    Visitor,
    WorkPlan,
    WorkPlanItem,
)
from .search import index_matter

# action -> (states it may start from, state it leads to or None when it does not move)
MATTER_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "report_progress": (frozenset({MatterStatus.IN_PROGRESS}), None),
    "transfer": (frozenset({MatterStatus.IN_PROGRESS}), None),
    "complete": (frozenset({MatterStatus.IN_PROGRESS}), MatterStatus.AWAITING_CONFIRMATION),
    "confirm": (frozenset({MatterStatus.AWAITING_CONFIRMATION}), MatterStatus.DONE),
    "send_back": (frozenset({MatterStatus.AWAITING_CONFIRMATION}), MatterStatus.IN_PROGRESS),
    "cancel": (frozenset({MatterStatus.IN_PROGRESS, MatterStatus.AWAITING_CONFIRMATION}), MatterStatus.CANCELLED),
}

_REFUSALS = {
    MatterStatus.AWAITING_CONFIRMATION: gettext_lazy("The matter has been reported complete and awaits confirmation."),
    MatterStatus.DONE: gettext_lazy("The matter is already completed."),
    MatterStatus.CANCELLED: gettext_lazy("The matter was cancelled."),
    MatterStatus.IN_PROGRESS: gettext_lazy("The matter is still in progress."),
}


def _lock(matter: Matter, action: str) -> Matter:
    """The matter row, locked, in a state that allows ``action`` — or a 409 that says why not."""
    locked = Matter.objects.select_for_update().get(pk=matter.pk)
    allowed, _target = MATTER_TRANSITIONS[action]
    if locked.status not in allowed:
        raise Conflict(str(_REFUSALS[MatterStatus(locked.status)]), code=f"matter_{locked.status}")
    return locked


def _event(matter: Matter, kind: str, actor: Any, **fields: Any) -> MatterEvent:
    return MatterEvent.objects.create(matter=matter, kind=kind, actor=actor, **fields)


def _is_owner(user: Any, matter: Matter) -> bool:
    return user.pk == matter.lead_id or MatterAssistant.objects.filter(matter=matter, user_id=user.pk).exists()


def _oversees(user: Any) -> bool:
    return is_office_member(user) or is_leader(user)


def may_assign(actor: Any, lead: User) -> bool:
    """Who may give work to whom, on every path (a matter's lead and assisting owners on create and
    transfer, a work plan's item owners, a plan item turned into a matter): leaders and the office
    assign to anyone; a head inside their department; anyone to themselves."""
    if _oversees(actor) or is_admin(actor) or actor.pk == lead.pk:
        return True
    return lead.department_id is not None and lead.department_id in headed_department_ids(actor)


def _refuse_unassignable(actor: Any, *, lead: User, assisting: Sequence[User] = ()) -> None:
    """``may_assign`` for the lead and, by the same rule, every assisting owner (协办)."""
    if not may_assign(actor, lead):
        raise PermissionDenied(
            _("You may assign matters only inside the departments you head."),
            code="may_not_assign",
            fields={"lead": [_("%(name)s is outside the departments you head.") % {"name": lead.display_name}]},
        )
    outside = [p.display_name for p in assisting if not may_assign(actor, p)]
    if outside:
        raise PermissionDenied(
            _("You may assign matters only inside the departments you head."),
            code="may_not_assign",
            fields={"assisting": [_("Outside the departments you head: %(names)s.") % {"names": "、".join(outside)}]},
        )


def _validate_people(*, lead: User, assisting: Sequence[User], classification: str) -> list[User]:
    fields: dict[str, list[str]] = {}
    if not lead.is_active:
        fields["lead"] = [_("Choose an active person.")]
    elif not Classification.allows(lead.clearance, classification):
        fields["lead"] = [
            _("%(name)s's clearance is below this matter's classification.") % {"name": lead.display_name}
        ]
    unique: list[User] = []
    for person in assisting:
        if person.pk == lead.pk or any(p.pk == person.pk for p in unique):
            continue
        if not person.is_active or not Classification.allows(person.clearance, classification):
            fields.setdefault("assisting", []).append(
                _("%(name)s cannot be given this matter (inactive, or clearance too low).")
                % {"name": person.display_name}
            )
        unique.append(person)
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    return unique


def _open_owner_items(matter: Matter, people: Iterable[User], *, assigned_by: User) -> None:
    for person in people:
        workitem_open(
            assignee=person,
            kind=WorkItemKind.MATTER,
            target=matter,
            title=matter.title,
            due_at=matter.due_at,
            priority=matter.priority,
            urgency=matter.urgency,
            classification=matter.classification,
            assigned_by=assigned_by,
        )


@transaction.atomic
def matter_create(
    *,
    actor: User,
    title: str,
    lead: User,
    due_on: date,
    description: str = "",
    priority: str = Priority.ROUTINE,
    urgency: str = Urgency.NORMAL,
    classification: str = Classification.INTERNAL,
    assisting: Sequence[User] = (),
    source: models.Model | None = None,
    source_kind: str = MatterSource.AD_HOC,
    authorized: bool = False,
) -> Matter:
    """Assign a matter to ``lead`` (主办) and ``assisting`` owners (协办), due at close of business on ``due_on``.

    Other apps pass ``source`` (their object) and ``source_kind``; when they have already checked
    that ``actor`` may hand out this work (a leader's instruction, a meeting's decision) they pass
    ``authorized=True``. Otherwise the actor must be allowed to assign to the lead.
    """
    title = title.strip()
    if not title:
        raise ValidationError(_("A matter needs a title."), fields={"title": [_("This field is required.")]})
    if priority not in Priority.values:
        raise ValidationError(_("Unknown priority."), fields={"priority": [_("Choose key, secondary or routine.")]})
    if urgency not in Urgency.values or classification not in Classification.values:
        raise ValidationError(_("Unknown urgency or classification."))
    if source_kind not in MatterSource.values:
        raise ValidationError(_("Unknown source."), fields={"source": [source_kind]})
    if due_on < timezone.localdate():
        raise ValidationError(
            _("The deadline %(d)s has already passed.") % {"d": due_on.isoformat()},
            fields={"due_on": [_("Choose today or a later day.")]},
        )
    if not authorized:
        _refuse_unassignable(actor, lead=lead, assisting=assisting)
    if not Classification.allows(actor.clearance, classification):
        raise ValidationError(
            _("You cannot create a matter above your own clearance."), fields={"classification": [_("Too high.")]}
        )
    assisting = _validate_people(lead=lead, assisting=assisting, classification=classification)
    matter = Matter.objects.create(
        title=title[:200],
        description=description,
        source=source_kind,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        priority=priority,
        urgency=urgency,
        classification=classification,
        assigner=actor,
        lead=lead,
        department_id=lead.department_id,
        due_on=due_on,
        due_at=calendar.end_of_working_day(calendar.next_workday(due_on, include_today=True)),
    )
    MatterAssistant.objects.bulk_create([MatterAssistant(matter=matter, user=p) for p in assisting])
    _event(matter, MatterEventKind.CREATED, actor, text=description)
    _open_owner_items(matter, [lead, *assisting], assigned_by=actor)
    audit_record(
        actor=actor,
        verb="matter.create",
        target=matter,
        data={
            "lead": lead.pk,
            "assisting": [p.pk for p in assisting],
            "due_on": due_on.isoformat(),
            "source": source_kind,
        },
    )
    index_matter(matter)
    return matter


@transaction.atomic
def matter_report_progress(
    *,
    actor: User,
    matter: Matter,
    text: str,
    percent: int | None = None,
    files: Sequence[UploadedFile] = (),
) -> MatterEvent:
    """An owner reports progress (text, optional percent, attachments)."""
    locked = _lock(matter, "report_progress")
    if not _is_owner(actor, locked):
        raise PermissionDenied(_("Only the matter's owners report progress."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Describe the progress."), fields={"text": [_("This field is required.")]})
    if percent is not None and not 0 <= percent <= 100:
        raise ValidationError(_("Progress is a percentage from 0 to 100."), fields={"percent": [_("0 to 100.")]})
    attachments_check(files)
    event = _event(locked, MatterEventKind.PROGRESS, actor, text=text, percent=percent)
    for upload in files:
        attachment_store(owner=event, upload=upload, uploaded_by=actor)
    if percent is not None:
        locked.percent = percent
        locked.save(update_fields=["percent"])
    audit_record(actor=actor, verb="matter.progress", target=locked, data={"percent": percent, "files": len(files)})
    matter.percent = locked.percent
    return event


@transaction.atomic
def matter_transfer(*, actor: User, matter: Matter, to: User, reason: str) -> Matter:
    """转办: the lead hands the matter to someone else (or the assigner / office moves it), with a reason."""
    locked = _lock(matter, "transfer")
    if actor.pk not in (locked.lead_id, locked.assigner_id) and not is_office_member(actor):
        raise PermissionDenied(_("Only the lead owner, the assigner or the office may transfer this matter."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Say why the matter is transferred."), fields={"reason": [_("This field is required.")]}
        )
    if to.pk == locked.lead_id:
        raise ValidationError(
            _("%(name)s already leads this matter.") % {"name": to.display_name},
            fields={"to": [_("Choose someone else.")]},
        )
    # The new lead must be someone the matter's assigner, or the person transferring it, may give
    # work to (``may_assign``): a transfer does not reach past the authority the matter came with.
    if not may_assign(actor, to) and not may_assign(locked.assigner, to):
        raise PermissionDenied(
            _("%(name)s is outside the departments this matter may be assigned to.") % {"name": to.display_name},
            code="may_not_assign",
            fields={"to": [_("Choose someone inside the assigner's or your departments.")]},
        )
    if not to.is_active or not Classification.allows(to.clearance, locked.classification):
        raise ValidationError(
            _("%(name)s cannot take this matter (inactive, or clearance too low).") % {"name": to.display_name},
            fields={"to": [_("Choose another person.")]},
        )
    previous = locked.lead
    # Someone who already assists becomes the lead: their assisting item is no longer needed.
    if MatterAssistant.objects.filter(matter=locked, user=to).exists():
        MatterAssistant.objects.filter(matter=locked, user=to).delete()
        workitems_settle_for_target(
            target=locked,
            assignee=to,
            kind=WorkItemKind.MATTER,
            status=WorkItemStatus.CANCELLED,
            outcome="became lead",
            actor=actor,
        )
    items = list(workitems_open_for_target(target=locked, assignee=previous, kind=WorkItemKind.MATTER))
    for item in items:
        workitem_reassign(item=item, to=to, actor=actor, reason=reason)
    if not items:  # the ledger had no open item for the lead: give the new lead one
        _open_owner_items(locked, [to], assigned_by=locked.assigner)
    locked.lead, locked.department_id = to, to.department_id
    locked.transfer_count += 1
    locked.save(update_fields=["lead", "department", "transfer_count"])
    _event(locked, MatterEventKind.TRANSFERRED, actor, text=reason, from_user=previous, to_user=to)
    audit_record(
        actor=actor, verb="matter.transfer", target=locked, data={"from": previous.pk, "to": to.pk, "reason": reason}
    )
    return locked


@transaction.atomic
def matter_complete(*, actor: User, matter: Matter, report: str) -> Matter:
    """The lead reports the matter done with a closing report; the assigner is asked to confirm."""
    locked = _lock(matter, "complete")
    if actor.pk != locked.lead_id:
        raise PermissionDenied(_("Only the lead owner reports the matter complete."))
    report = report.strip()
    if not report:
        raise ValidationError(_("A closing report is required."), fields={"report": [_("This field is required.")]})
    now = timezone.now()
    locked.status, locked.closing_report, locked.completed_at = MatterStatus.AWAITING_CONFIRMATION, report, now
    locked.percent = 100
    locked.save(update_fields=["status", "closing_report", "completed_at", "percent"])
    workitems_settle_for_target(target=locked, kind=WorkItemKind.MATTER, outcome="completed", actor=actor)
    workitem_open(
        assignee=locked.assigner,
        kind=WorkItemKind.MATTER_CONFIRMATION,
        target=locked,
        title=locked.title,
        due_at=calendar.end_of_working_day(calendar.add_working_days(timezone.localdate(), 2)),
        priority=locked.priority,
        urgency=locked.urgency,
        classification=locked.classification,
        assigned_by=actor,
    )
    _event(locked, MatterEventKind.COMPLETED, actor, text=report)
    audit_record(actor=actor, verb="matter.complete", target=locked)
    return locked


@transaction.atomic
def matter_confirm(*, actor: User, matter: Matter, accept: bool, note: str = "") -> Matter:
    """The assigner confirms (办结) or sends the matter back to its owners with a note."""
    locked = _lock(matter, "confirm" if accept else "send_back")
    if actor.pk != locked.assigner_id:
        raise PermissionDenied(_("Only the person who assigned the matter confirms it."))
    note = note.strip()
    if not accept and not note:
        raise ValidationError(_("Say what is still missing."), fields={"note": [_("Required when sending back.")]})
    workitems_settle_for_target(
        target=locked, kind=WorkItemKind.MATTER_CONFIRMATION, outcome="confirmed" if accept else "returned", actor=actor
    )
    owners = [locked.lead, *User.objects.filter(pk__in=locked.assistants.values("user_id"))]
    if accept:
        locked.status, locked.closed_at = MatterStatus.DONE, timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        _event(locked, MatterEventKind.CONFIRMED, actor, text=note)
        for person in owners:
            notification_create(
                recipient=person,
                kind=NotificationKind.INFO,
                message="matter.confirmed",
                params={"title": locked.title, "note": note},
                classification=locked.classification,
                target=locked,
                actor=actor,
            )
    else:
        locked.status, locked.completed_at = MatterStatus.IN_PROGRESS, None
        locked.return_count += 1
        locked.save(update_fields=["status", "completed_at", "return_count"])
        _event(locked, MatterEventKind.RETURNED, actor, text=note)
        _open_owner_items(locked, owners, assigned_by=actor)
    audit_record(
        actor=actor, verb="matter.confirm" if accept else "matter.send_back", target=locked, data={"note": note}
    )
    return locked


@transaction.atomic
def matter_cancel(*, actor: User, matter: Matter, reason: str) -> Matter:
    """The assigner or the office withdraws the matter; every open item on it is cancelled."""
    locked = _lock(matter, "cancel")
    if actor.pk != locked.assigner_id and not is_office_member(actor):
        raise PermissionDenied(_("Only the assigner or the office may cancel this matter."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the matter is cancelled."), fields={"reason": [_("This field is required.")]})
    locked.status, locked.closed_at = MatterStatus.CANCELLED, timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    workitems_settle_for_target(target=locked, status=WorkItemStatus.CANCELLED, outcome=reason, actor=actor)
    _event(locked, MatterEventKind.CANCELLED, actor, text=reason)
    audit_record(actor=actor, verb="matter.cancel", target=locked, data={"reason": reason})
    return locked


@transaction.atomic
def matter_reclassify(*, actor: User, matter: Matter, classification: str, reason: str) -> Matter:
    """Change a matter's classification (密级); its work items, open and closed, follow at once.

    The assigner or the office may, within their own clearance; the matter's owners must be cleared
    for the new classification (transfer the matter first otherwise). Audited with the items moved.
    """
    locked = Matter.objects.select_for_update().get(pk=matter.pk)
    if actor.pk != locked.assigner_id and not is_office_member(actor):
        raise PermissionDenied(_("Only the assigner or the office may change this matter's classification."))
    if classification not in Classification.values:
        raise ValidationError(_("Unknown classification."), fields={"classification": [classification]})
    if not Classification.allows(actor.clearance, locked.classification) or not Classification.allows(
        actor.clearance, classification
    ):
        raise ValidationError(
            _("You cannot classify a matter above your own clearance."), fields={"classification": [_("Too high.")]}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Say why the classification changes."), fields={"reason": [_("This field is required.")]}
        )
    owners = [locked.lead, *User.objects.filter(pk__in=locked.assistants.values("user_id"))]
    uncleared = [p.display_name for p in owners if not Classification.allows(p.clearance, classification)]
    if uncleared:
        raise ValidationError(
            _("Not cleared for this classification: %(names)s. Transfer the matter first.")
            % {"names": "、".join(uncleared)},
            fields={"classification": [_("An owner's clearance is too low.")]},
        )
    previous = locked.classification
    if previous == classification:
        return locked
    locked.classification = classification
    locked.save(update_fields=["classification"])
    moved = workitems_reclassify_for_target(target=locked, classification=classification)
    _event(locked, MatterEventKind.CHANGED, actor, text=reason)
    audit_record(
        actor=actor,
        verb="matter.reclassify",
        target=locked,
        data={"from": previous, "to": classification, "reason": reason, "work_items": moved},
    )
    matter.classification = classification
    index_matter(locked)
    return locked


def matter_actions(*, user: Any, matter: Matter) -> frozenset[str]:
    """The actions of ``MATTER_TRANSITIONS`` that ``user`` may take on ``matter`` now (pages show only these).

    The same rules as the services' checks; uses the matter's prefetched ``assistants`` when present.
    """
    owners = {matter.lead_id, *(a.user_id for a in matter.assistants.all())}
    is_assigner, is_lead = user.pk == matter.assigner_id, user.pk == matter.lead_id
    allowed_by_role = {
        "report_progress": user.pk in owners,
        "transfer": is_lead or is_assigner or is_office_member(user),
        "complete": is_lead,
        "confirm": is_assigner,
        "send_back": is_assigner,
        "cancel": is_assigner or is_office_member(user),
    }
    return frozenset(
        action
        for action, (states, _target) in MATTER_TRANSITIONS.items()
        if matter.status in states and allowed_by_role[action]
    )


# --- Receptions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArrangementSpec:
    kind: str
    owner: User
    description: str = ""


def may_organize_receptions(user: Any) -> bool:
    return _oversees(user) or is_admin(user) or bool(headed_department_ids(user))


def _open_arrangement_item(arrangement: Arrangement, reception: Reception, actor: User) -> None:
    workitem_open(
        assignee=arrangement.owner,
        kind=WorkItemKind.RECEPTION,
        target=arrangement,
        title=f"{reception.visiting_org} · {arrangement.get_kind_display()}",
        due_at=calendar.add_working_hours(reception.arrival, -4) if reception.arrival > timezone.now() else None,
        priority=Priority.SECONDARY,
        assigned_by=actor,
    )


@transaction.atomic
def reception_create(
    *,
    actor: User,
    visiting_org: str,
    purpose: str,
    arrival: datetime,
    departure: datetime,
    visitors: Sequence[tuple[str, str]] = (),
    visitor_count: int | None = None,
    host_leader: User | None = None,
    accompanying: Sequence[User] = (),
    budget: Decimal | None = None,
    notes: str = "",
    arrangements: Sequence[ArrangementSpec] = (),
) -> Reception:
    """Plan a reception; each arrangement's owner gets a work item due half a day before arrival."""
    if not may_organize_receptions(actor):
        raise PermissionDenied(_("Receptions are organized by the office, leaders and department heads."))
    fields: dict[str, list[str]] = {}
    if not visiting_org.strip():
        fields["visiting_org"] = [_("This field is required.")]
    if not purpose.strip():
        fields["purpose"] = [_("This field is required.")]
    if departure < arrival:
        fields["departure"] = [_("Departure must be after arrival.")]
    if host_leader is not None and not host_leader.is_leader:
        fields["host_leader"] = [_("The host must be a leader.")]
    if budget is not None and budget < 0:
        fields["budget"] = [_("The budget cannot be negative.")]
    if any(a.kind not in ArrangementKind.values for a in arrangements):
        fields["arrangements"] = [_("Unknown arrangement kind.")]
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    count = visitor_count if visitor_count is not None else max(len(visitors), 1)
    if count < len(visitors):
        raise ValidationError(
            _("The number of visitors is smaller than the names listed."), fields={"visitor_count": [_("Too small.")]}
        )
    reception = Reception.objects.create(
        visiting_org=visiting_org.strip(),
        purpose=purpose.strip(),
        visitor_count=count,
        arrival=arrival,
        departure=departure,
        host_leader=host_leader,
        budget=budget,
        notes=notes,
        created_by=actor,
        department_id=actor.department_id,
    )
    reception.accompanying.set(accompanying)
    Visitor.objects.bulk_create(
        [Visitor(reception=reception, name=n.strip(), title=t.strip(), order=i) for i, (n, t) in enumerate(visitors)]
    )
    for spec in arrangements:
        arrangement_add(
            actor=actor, reception=reception, kind=spec.kind, owner=spec.owner, description=spec.description
        )
    audit_record(actor=actor, verb="reception.create", target=reception, data={"arrangements": len(arrangements)})
    return reception


def _may_manage_reception(actor: User, reception: Reception) -> bool:
    return actor.pk == reception.created_by_id or is_office_member(actor)


def may_manage_reception(user: Any, reception: Reception) -> bool:
    """Whether ``user`` may change ``reception`` (its status, its arrangements): its organizer or the office."""
    return _may_manage_reception(user, reception)


@transaction.atomic
def arrangement_add(*, actor: User, reception: Reception, kind: str, owner: User, description: str = "") -> Arrangement:
    reception = Reception.objects.select_for_update().get(pk=reception.pk)
    if not _may_manage_reception(actor, reception):
        raise PermissionDenied(_("Only the organizer or the office changes this reception."))
    if reception.status in (ReceptionStatus.DONE, ReceptionStatus.CANCELLED):
        raise Conflict(_("The reception is closed."))
    if kind not in ArrangementKind.values:
        raise ValidationError(_("Unknown arrangement kind."), fields={"kind": [kind]})
    if not owner.is_active:
        raise ValidationError(_("Choose an active person."), fields={"owner": [_("Choose an active person.")]})
    arrangement = Arrangement.objects.create(reception=reception, kind=kind, owner=owner, description=description)
    _open_arrangement_item(arrangement, reception, actor)
    audit_record(
        actor=actor, verb="reception.arrangement_add", target=reception, data={"kind": kind, "owner": owner.pk}
    )
    return arrangement


@transaction.atomic
def arrangement_mark_arranged(*, actor: User, arrangement: Arrangement, note: str = "") -> Arrangement:
    """The owner reports the arrangement made; their work item closes."""
    locked = Arrangement.objects.select_for_update().select_related("reception").get(pk=arrangement.pk)
    if actor.pk != locked.owner_id and not is_office_member(actor):
        raise PermissionDenied(_("Only the arrangement's owner or the office may mark it arranged."))
    if locked.status != ArrangementStatus.PENDING:
        raise Conflict(_("This arrangement is already %(s)s.") % {"s": locked.get_status_display()})
    locked.status, locked.note = ArrangementStatus.ARRANGED, note
    locked.save(update_fields=["status", "note"])
    workitems_settle_for_target(target=locked, outcome="arranged", actor=actor)
    audit_record(actor=actor, verb="reception.arranged", target=locked.reception, data={"arrangement": locked.pk})
    return locked


RECEPTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ReceptionStatus.CONFIRMED: frozenset({ReceptionStatus.PLANNED}),
    ReceptionStatus.DONE: frozenset({ReceptionStatus.PLANNED, ReceptionStatus.CONFIRMED}),
    ReceptionStatus.CANCELLED: frozenset({ReceptionStatus.PLANNED, ReceptionStatus.CONFIRMED}),
}


@transaction.atomic
def reception_set_status(*, actor: User, reception: Reception, status: str) -> Reception:
    """planned → confirmed → done; cancelled from either. Closing settles the arrangement items."""
    locked = Reception.objects.select_for_update().get(pk=reception.pk)
    if not _may_manage_reception(actor, locked):
        raise PermissionDenied(_("Only the organizer or the office changes this reception."))
    if status not in RECEPTION_TRANSITIONS:
        raise ValidationError(_("Unknown status."), fields={"status": [status]})
    if locked.status not in RECEPTION_TRANSITIONS[status]:
        raise Conflict(
            _("A reception that is %(now)s cannot become %(next)s.")
            % {"now": locked.get_status_display(), "next": ReceptionStatus(status).label}
        )
    locked.status = status
    locked.save(update_fields=["status"])
    if status in (ReceptionStatus.DONE, ReceptionStatus.CANCELLED):
        for arrangement in locked.arrangements.filter(status=ArrangementStatus.PENDING):
            arrangement.status = ArrangementStatus.CANCELLED
            arrangement.save(update_fields=["status"])
            workitems_settle_for_target(
                target=arrangement, status=WorkItemStatus.CANCELLED, outcome=f"reception {status}", actor=actor
            )
    audit_record(actor=actor, verb="reception.status", target=locked, data={"status": status})
    return locked


# --- Work plans -------------------------------------------------------------------------------


def may_plan_for(user: Any, department: Department) -> bool:
    return _oversees(user) or is_admin(user) or department.pk in headed_department_ids(user)


def plannable_department_ids(user: Any) -> list[int] | None:
    """The departments ``user`` may plan for (``may_plan_for``): None means every department."""
    if _oversees(user) or is_admin(user):
        return None
    return headed_department_ids(user)


@transaction.atomic
def plan_create(
    *,
    actor: User,
    title: str,
    period: str,
    period_start: date,
    department: Department,
    kind: str = PlanKind.PLAN,
    description: str = "",
) -> WorkPlan:
    if not may_plan_for(actor, department):
        raise PermissionDenied(_("Plans are made by the department's head, the office or leaders."))
    if period not in PlanPeriod.values or kind not in PlanKind.values:
        raise ValidationError(_("Unknown period or kind."), fields={"period": [period]})
    if not title.strip():
        raise ValidationError(_("A plan needs a title."), fields={"title": [_("This field is required.")]})
    plan = WorkPlan.objects.create(
        title=title.strip(),
        kind=kind,
        period=period,
        period_start=period_start,
        department=department,
        description=description,
        created_by=actor,
    )
    audit_record(actor=actor, verb="plan.create", target=plan)
    return plan


@transaction.atomic
def plan_item_add(
    *,
    actor: User,
    plan: WorkPlan,
    title: str,
    owner: User,
    priority: str = Priority.ROUTINE,
    due_on: date | None = None,
    description: str = "",
) -> WorkPlanItem:
    if not may_plan_for(actor, plan.department):
        raise PermissionDenied(_("Plans are made by the department's head, the office or leaders."))
    if priority not in Priority.values:
        raise ValidationError(_("Unknown priority."), fields={"priority": [priority]})
    if not title.strip():
        raise ValidationError(_("An item needs a title."), fields={"title": [_("This field is required.")]})
    if not owner.is_active:
        raise ValidationError(_("Choose an active person."), fields={"owner": [_("Choose an active person.")]})
    if not may_assign(actor, owner):
        # A head's plan holds only their own department's people: the rule for assigning matters,
        # since each item may become one (plan_item_to_matter asks it again).
        raise PermissionDenied(
            _("You may assign matters only inside the departments you head."),
            code="may_not_assign",
            fields={"owner": [_("%(name)s is outside the departments you head.") % {"name": owner.display_name}]},
        )
    order = plan.items.count()
    item = WorkPlanItem.objects.create(
        plan=plan,
        title=title.strip(),
        owner=owner,
        priority=priority,
        due_on=due_on,
        description=description,
        order=order,
    )
    audit_record(actor=actor, verb="plan.item_add", target=plan, data={"item": item.pk})
    return item


@dataclass(frozen=True)
class PlanItemSpec:
    title: str
    owner: User
    priority: str = Priority.ROUTINE
    due_on: date | None = None
    description: str = ""


@transaction.atomic
def plan_create_with_items(
    *,
    actor: User,
    title: str,
    period: str,
    period_start: date,
    department: Department,
    kind: str = PlanKind.PLAN,
    description: str = "",
    items: Sequence[PlanItemSpec] = (),
) -> WorkPlan:
    """A plan and its items in one step (the API's create): all of it, or nothing."""
    plan = plan_create(
        actor=actor,
        title=title,
        period=period,
        period_start=period_start,
        department=department,
        kind=kind,
        description=description,
    )
    for spec in items:
        plan_item_add(
            actor=actor,
            plan=plan,
            title=spec.title,
            owner=spec.owner,
            priority=spec.priority,
            due_on=spec.due_on,
            description=spec.description,
        )
    return plan


@transaction.atomic
def plan_item_to_matter(*, actor: User, item: WorkPlanItem, due_on: date | None = None) -> Matter:
    """Turn a plan item into a supervised matter in one action (the item then shows its progress)."""
    locked = WorkPlanItem.objects.select_for_update().select_related("plan__department", "owner").get(pk=item.pk)
    if not may_plan_for(actor, locked.plan.department):
        raise PermissionDenied(_("Plans are made by the department's head, the office or leaders."))
    if locked.matter_id is not None:
        raise Conflict(_("This item is already followed as a matter."), code="already_matter")
    deadline = due_on or locked.due_on
    if deadline is None:
        raise ValidationError(_("Give the item a deadline first."), fields={"due_on": [_("This field is required.")]})
    matter = matter_create(
        actor=actor,
        title=locked.title,
        description=locked.description,
        priority=locked.priority,
        lead=locked.owner,
        due_on=deadline,
        source=locked,
        source_kind=MatterSource.WORK_PLAN,
        # Not pre-authorized: matter_create asks may_assign for the owner, as for any new matter.
    )
    locked.matter = matter
    locked.due_on = deadline
    locked.save(update_fields=["matter", "due_on"])
    item.matter, item.due_on = matter, deadline
    return matter
