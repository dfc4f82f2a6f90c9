"""Writes of coordination matters (协调事项): raise, answer, escalate to the office, rule, settle.

The state machine (``TRANSITIONS``): a matter is raised ``open``; each party department's head (or
the colleague the head passed the answer item to) accepts, or declines with a reason. When every
party has accepted it is ``settled``: one ``affairs`` matter is assigned to the lead department's
head (主办) with the cooperating departments' heads assisting (协办), its source pointing back here.
A decline, or silence past ``respond_by`` (``coordinations_escalate_overdue``), sends it to the
office (``escalated``): the office heads get an item. The office rules (it may also step in while
the matter is still open): a written ruling names the lead and cooperating departments, and the
matter is settled as above. A department that accepted may still dispute (异议) with a reason while
the matter is open: it goes to the office like a decline. Instead of ruling, the office may escalate
the matter to a leader (``coordination_escalate_to_leader``): the leader gets an item and rules as
the office does (the office may still rule). The follow-up matter's assigner is the person who
raised the matter when the parties agreed, and the one who ruled after a ruling (``matter_create`` with
``authorized=True``: the parties' acceptance or the office's ruling is the authority). A settled
matter is ``done`` once its follow-up matter is (``coordinations_mark_done``, hourly with the
deadline scan: ``relations.tasks``).

Pass-backs are recorded on the ledger as the outcome of the department's answer item: ``decline``,
or ``reassigned_away`` for a department the ruling took off before it accepted (a department that
declined has its pass-back counted once, by its decline), in the dashboards' vocabulary
(``workload.dashboards.PASS_BACKS``), which the dashboards and ``selectors.pass_backs_by_department`` count.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import is_leader, is_office_member, office_department, office_heads
from accounts.models import Department, User
from affairs.models import MatterSource, MatterStatus
from affairs.services import matter_create
from core import calendar
from core.audit import audit_record
from core.enums import Classification
from core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from meetings.models import Meeting, MeetingKind
from meetings.selectors import meetings_visible
from notifications import messages
from notifications.models import NotificationKind
from notifications.services import notification_create
from workload.models import WorkItemKind, WorkItemStatus
from workload.services import workitem_open, workitems_settle_for_target

from .models import CoordinationMatter, CoordinationParty, CoordinationStatus, PartyResponse, PartyRole

# action -> (states it may start from, state it leads to or None when it depends)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "respond": (frozenset({CoordinationStatus.OPEN}), None),  # settled or escalated, or stays open
    "escalate": (frozenset({CoordinationStatus.OPEN}), CoordinationStatus.ESCALATED),
    "dispute": (frozenset({CoordinationStatus.OPEN}), CoordinationStatus.ESCALATED),
    "escalate_to_leader": (frozenset({CoordinationStatus.ESCALATED}), CoordinationStatus.ESCALATED),
    "arbitrate": (frozenset({CoordinationStatus.OPEN, CoordinationStatus.ESCALATED}), CoordinationStatus.SETTLED),
}

_REFUSALS = {
    CoordinationStatus.OPEN: gettext_lazy("The matter is still waiting for the departments' answers."),
    CoordinationStatus.ESCALATED: gettext_lazy("The matter is with the office for a ruling."),
    CoordinationStatus.SETTLED: gettext_lazy("The matter is already settled."),
    CoordinationStatus.DONE: gettext_lazy("The matter is already done."),
}

messages.register("coordination.escalated", "%(title)s", gettext_lazy("The matter went to the office for a ruling."))
messages.register(
    "coordination.settled", "%(title)s", gettext_lazy("The matter is settled: %(name)s leads the follow-up.")
)

MAX_TEXT = 20_000
# When nobody says otherwise, the follow-up matter is due this many working days after settling.
FOLLOW_UP_WORKING_DAYS = 10


def _lock(coordination: CoordinationMatter, action: str) -> CoordinationMatter:
    locked = CoordinationMatter.objects.select_for_update().get(pk=coordination.pk)
    allowed, _next = TRANSITIONS[action]
    if locked.status not in allowed:
        raise Conflict(str(_REFUSALS[CoordinationStatus(locked.status)]), code=f"coordination_{locked.status}")
    return locked


def _text(value: str, *, field: str, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("This field is required."), fields={field: [_("This field is required.")]})
    if len(value) > limit:
        message = _("At most %(n)d characters.") % {"n": limit}
        raise ValidationError(message, fields={field: [message]})
    return value


def _heads(
    *, lead: Department, cooperating: Sequence[Department], classification: str
) -> list[tuple[Department, str, User]]:
    """(department, role, head) for each party, or a 400 naming what is wrong."""
    fields: dict[str, list[str]] = {}
    unique: list[Department] = []
    for department in cooperating:
        if department.pk == lead.pk:
            fields.setdefault("cooperating_departments", []).append(
                _("%(name)s already leads the matter.") % {"name": department.name}
            )
        elif all(d.pk != department.pk for d in unique):
            unique.append(department)
    if not unique and "cooperating_departments" not in fields:
        fields["cooperating_departments"] = [_("Name at least one cooperating department.")]
    parties: list[tuple[Department, str, User]] = []
    for field, role, department in [("lead_department", PartyRole.LEAD, lead)] + [
        ("cooperating_departments", PartyRole.COOPERATING, d) for d in unique
    ]:
        head = department.head
        if not department.is_active or head is None or not head.is_active:
            fields.setdefault(field, []).append(
                _("%(name)s has no active head to answer for it.") % {"name": department.name}
            )
        elif not Classification.allows(head.clearance, classification):
            fields.setdefault(field, []).append(
                _("The head of %(name)s is not cleared for this classification.") % {"name": department.name}
            )
        else:
            parties.append((department, role, head))
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    return parties


def _open_answer_item(coordination: CoordinationMatter, party: CoordinationParty, head: User, actor: User) -> None:
    party.work_item = workitem_open(
        assignee=head,
        kind=WorkItemKind.COORDINATION,
        target=coordination,
        title=coordination.title,
        due_at=calendar.end_of_working_day(calendar.next_workday(coordination.respond_by, include_today=True)),
        classification=coordination.classification,
        assigned_by=actor,
    )
    party.save(update_fields=["work_item"])


@transaction.atomic
def coordination_raise(
    *,
    actor: User,
    title: str,
    lead_department: Department,
    cooperating_departments: Sequence[Department],
    respond_by: date,
    description: str = "",
    classification: str = Classification.INTERNAL,
) -> CoordinationMatter:
    """Anyone raises a matter for a lead and cooperating departments; each head gets an item to answer."""
    title = _text(title, field="title", required=True, limit=200)
    description = _text(description, field="description", required=False, limit=MAX_TEXT)
    if classification not in Classification.values:
        raise ValidationError(_("Unknown classification."), fields={"classification": [classification]})
    if not Classification.allows(actor.clearance, classification):
        raise ValidationError(
            _("You cannot raise a matter above your own clearance."), fields={"classification": [_("Too high.")]}
        )
    if respond_by < timezone.localdate():
        raise ValidationError(
            _("The answer date %(d)s has already passed.") % {"d": respond_by.isoformat()},
            fields={"respond_by": [_("Choose today or a later day.")]},
        )
    parties = _heads(lead=lead_department, cooperating=cooperating_departments, classification=classification)
    coordination = CoordinationMatter.objects.create(
        title=title,
        description=description,
        raised_by=actor,
        respond_by=respond_by,
        classification=classification,
    )
    for department, role, head in parties:
        party = CoordinationParty.objects.create(coordination=coordination, department=department, role=role)
        _open_answer_item(coordination, party, head, actor)
    audit_record(
        actor=actor,
        verb="coordination.raise",
        target=coordination,
        data={
            "lead": lead_department.pk,
            "cooperating": [d.pk for d, role, _h in parties if role == PartyRole.COOPERATING],
            "respond_by": respond_by.isoformat(),
        },
    )
    return coordination


def may_answer_for(user: Any, party: CoordinationParty) -> bool:
    """The department's head, or whoever holds the department's open answer item (its delegate)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if party.department.head_id == user.pk:
        return True
    item = party.work_item
    return item is not None and item.status == WorkItemStatus.OPEN and item.assignee_id == user.pk


def _tell_raiser(coordination: CoordinationMatter, *, message: str, actor: Any, **params: Any) -> None:
    """The person who raised the matter hears where it went (not when they took the step themselves)."""
    raiser = coordination.raised_by
    if getattr(actor, "pk", None) == raiser.pk or not raiser.is_active:
        return
    notification_create(
        recipient=raiser,
        kind=NotificationKind.INFO,
        message=message,
        params={"title": coordination.title, **params},
        target=coordination,
        actor=actor,
        classification=coordination.classification,
    )


def _escalate(coordination: CoordinationMatter, *, actor: Any, reason: str) -> None:
    """Send the (locked, open) matter to the office: its pending answer items are withdrawn, the
    office heads (or, without one, the office's members) get an item to rule."""
    coordination.status = CoordinationStatus.ESCALATED
    coordination.save(update_fields=["status"])
    # The only open coordination items of an open matter are the pending parties' answer items.
    workitems_settle_for_target(
        target=coordination,
        kind=WorkItemKind.COORDINATION,
        status=WorkItemStatus.CANCELLED,
        outcome="with the office",
        actor=actor,
    )
    office = list(office_heads())
    if not office:
        department = office_department()
        office = list(department.members.filter(is_active=True)) if department is not None else []
    for person in office:
        if Classification.allows(person.clearance, coordination.classification):
            workitem_open(
                assignee=person,
                kind=WorkItemKind.COORDINATION,
                target=coordination,
                title=coordination.title,
                due_at=calendar.due_at_for(timezone.now(), working_days=3),
                classification=coordination.classification,
                assigned_by=actor if isinstance(actor, User) else None,
            )
    _tell_raiser(coordination, message="coordination.escalated", actor=actor)
    audit_record(actor=actor, verb="coordination.escalate", target=coordination, data={"reason": reason})


def _settle(coordination: CoordinationMatter, *, assigner: User, due_on: date | None = None) -> None:
    """Every party is settled (agreed, or ruled): the work becomes one affairs matter."""
    parties = list(
        CoordinationParty.objects.filter(coordination=coordination)
        .exclude(role=PartyRole.RELIEVED)
        .select_related("department__head")
    )
    lead = next(p.department.head for p in parties if p.role == PartyRole.LEAD)
    assisting = [p.department.head for p in parties if p.role == PartyRole.COOPERATING]
    matter = matter_create(
        actor=assigner,
        title=coordination.title,
        description=coordination.ruling or coordination.description,
        lead=lead,
        assisting=assisting,
        due_on=due_on or calendar.add_working_days(timezone.localdate(), FOLLOW_UP_WORKING_DAYS),
        classification=coordination.classification,
        source=coordination,
        source_kind=MatterSource.AD_HOC,
        authorized=True,
    )
    coordination.status = CoordinationStatus.SETTLED
    coordination.matter = matter
    coordination.settled_at = timezone.now()
    coordination.save(update_fields=["status", "matter", "settled_at"])
    _tell_raiser(coordination, message="coordination.settled", actor=assigner, name=lead.display_name)
    audit_record(actor=assigner, verb="coordination.settle", target=coordination, data={"matter": matter.pk})


def _party(locked: CoordinationMatter, department: Department) -> CoordinationParty:
    """``department``'s party row of the (locked) matter, locked too; 400 when it is no party."""
    party = (
        CoordinationParty.objects.select_for_update(of=("self",))
        .select_related("department", "work_item")
        .filter(coordination=locked, department=department)
        .exclude(role=PartyRole.RELIEVED)
        .first()
    )
    if party is None:
        raise ValidationError(
            _("%(name)s is not a party to this matter.") % {"name": department.name},
            fields={"department": [_("Choose one of the matter's departments.")]},
        )
    return party


@transaction.atomic
def coordination_respond(
    *, actor: User, coordination: CoordinationMatter, department: Department, accept: bool, reason: str = ""
) -> CoordinationMatter:
    """A party department's answer. 403 for anyone but its head (or delegate), 400 for a decline
    without a reason or a department that is no party, 409 once answered or out of the open state."""
    locked = _lock(coordination, "respond")
    party = _party(locked, department)
    if not may_answer_for(actor, party):
        raise PermissionDenied(
            _("Only the head of %(name)s (or the colleague the head passed it to) answers for it.")
            % {"name": department.name},
            code="not_department_head",
        )
    reason = _text(reason, field="reason", required=not accept, limit=MAX_TEXT)
    if party.response != PartyResponse.PENDING:
        raise Conflict(_("%(name)s has already answered.") % {"name": department.name}, code="already_answered")
    party.response = PartyResponse.ACCEPTED if accept else PartyResponse.DECLINED
    party.reason, party.responded_by, party.responded_at = reason, actor, timezone.now()
    party.save(update_fields=["response", "reason", "responded_by", "responded_at"])
    if party.work_item is not None and party.work_item.status == WorkItemStatus.OPEN:
        # The answer closes the department's item; a decline is the pass-back on the ledger.
        workitems_settle_for_target(
            target=locked,
            assignee=party.work_item.assignee,
            kind=WorkItemKind.COORDINATION,
            outcome="accept" if accept else "decline",
            actor=actor,
        )
    audit_record(
        actor=actor,
        verb="coordination.respond",
        target=locked,
        data={"department": department.pk, "accept": accept, "reason": reason},
    )
    if not accept:
        _escalate(locked, actor=actor, reason="decline")
    elif (
        not CoordinationParty.objects.filter(coordination=locked)
        .exclude(response=PartyResponse.ACCEPTED)
        .exclude(role=PartyRole.RELIEVED)
        .exists()
    ):
        _settle(locked, assigner=locked.raised_by)
    return locked


@transaction.atomic
def coordination_arbitrate(
    *,
    actor: User,
    coordination: CoordinationMatter,
    lead_department: Department,
    cooperating_departments: Sequence[Department],
    ruling: str,
) -> CoordinationMatter:
    """The office (or the leader it escalated the matter to) rules: a written ruling names the lead
    and cooperating departments; the matter is settled. 403 for anyone else, 400 without a ruling,
    409 once settled."""
    if not may_rule(actor, coordination):
        raise PermissionDenied(_("Only the office rules on a coordination matter."), code="not_office")
    locked = _lock(coordination, "arbitrate")
    if not may_rule(actor, locked):  # the leader it was escalated to may have changed meanwhile
        raise PermissionDenied(_("Only the office rules on a coordination matter."), code="not_office")
    ruling = _text(ruling, field="ruling", required=True, limit=MAX_TEXT)
    chosen = _heads(lead=lead_department, cooperating=cooperating_departments, classification=locked.classification)
    roles = {department.pk: role for department, role, _head in chosen}
    now = timezone.now()
    existing = {
        p.department_id: p
        for p in CoordinationParty.objects.select_for_update(of=("self",))
        .filter(coordination=locked)
        .select_related("work_item")
    }
    relieved = []
    for department_id, party in existing.items():
        if department_id in roles:
            continue
        if party.role != PartyRole.RELIEVED:
            relieved.append(department_id)
        item = party.work_item
        if item is not None and item.status == WorkItemStatus.OPEN:
            # Taken off before answering: a pass-back on the ledger, like a decline.
            workitems_settle_for_target(
                target=locked,
                assignee=item.assignee,
                kind=WorkItemKind.COORDINATION,
                outcome="reassigned_away",
                actor=actor,
            )
        party.role = PartyRole.RELIEVED
        party.save(update_fields=["role"])
    for department, role, _head in chosen:
        party = existing.get(department.pk)
        if party is None:
            party = CoordinationParty(coordination=locked, department=department)
        party.role = role
        if party.response != PartyResponse.ACCEPTED:
            # The ruling answers for the department: it takes the part it was given.
            party.response, party.responded_by, party.responded_at = PartyResponse.ACCEPTED, actor, now
        party.save()
    # The answer items still open (a ruling while the matter was open), the office's own and the
    # leader's it was escalated to are done.
    workitems_settle_for_target(target=locked, kind=WorkItemKind.COORDINATION, outcome="ruled", actor=actor)
    locked.ruling, locked.ruled_by, locked.ruled_at = ruling, actor, now
    locked.save(update_fields=["ruling", "ruled_by", "ruled_at"])
    audit_record(
        actor=actor,
        verb="coordination.arbitrate",
        target=locked,
        data={"lead": lead_department.pk, "cooperating": sorted(roles), "relieved": relieved, "ruling": ruling},
    )
    _settle(locked, assigner=actor)
    return locked


def may_rule(user: Any, coordination: CoordinationMatter) -> bool:
    """The office rules; so does the leader the office escalated the (still unsettled) matter to."""
    if is_office_member(user):
        return True
    return (
        getattr(user, "is_authenticated", False)
        and coordination.referred_to_id == user.pk
        and coordination.status == CoordinationStatus.ESCALATED
        and is_leader(user)
    )


def may_dispute_for(user: Any, party: CoordinationParty) -> bool:
    """The department's head, or the colleague who holds (or held) the department's answer item."""
    if not getattr(user, "is_authenticated", False):
        return False
    if party.department.head_id == user.pk:
        return True
    return party.work_item is not None and party.work_item.assignee_id == user.pk


@transaction.atomic
def coordination_dispute(
    *, actor: User, coordination: CoordinationMatter, department: Department, reason: str
) -> CoordinationMatter:
    """A department that accepted objects before the matter is settled (异议): with a required reason,
    the matter goes to the office like a decline. 403 for anyone but the department's head (or
    delegate), 400 without a reason or for a department that is no party, 409 when the department has
    not accepted (it declines instead) or the matter is no longer open."""
    locked = _lock(coordination, "dispute")
    party = _party(locked, department)
    if not may_dispute_for(actor, party):
        raise PermissionDenied(
            _("Only the head of %(name)s (or the colleague the head passed it to) answers for it.")
            % {"name": department.name},
            code="not_department_head",
        )
    reason = _text(reason, field="reason", required=True, limit=MAX_TEXT)
    if party.response != PartyResponse.ACCEPTED:
        raise Conflict(
            _("%(name)s has not accepted the matter: decline it with a reason instead.") % {"name": department.name},
            code="not_accepted",
        )
    # The objection replaces the department's acceptance on the matter; the audit log keeps both.
    party.response, party.reason = PartyResponse.DISPUTED, reason
    party.responded_by, party.responded_at = actor, timezone.now()
    party.save(update_fields=["response", "reason", "responded_by", "responded_at"])
    audit_record(
        actor=actor,
        verb="coordination.dispute",
        target=locked,
        data={"department": department.pk, "role": party.role, "reason": reason},
    )
    _escalate(locked, actor=actor, reason="dispute")
    return locked


@transaction.atomic
def coordination_escalate_to_leader(
    *, actor: User, coordination: CoordinationMatter, leader: User | None, note: str = ""
) -> CoordinationMatter:
    """The office, instead of ruling, escalates the matter to a leader (提请领导裁定): the leader gets an
    item (kind coordination) and may rule as the office does; the office's own items close (the office
    may still rule). 403 outside the office, 400 for someone who is no active leader cleared for the
    matter, 409 unless the matter is with the office (or already with a leader)."""
    if not is_office_member(actor):
        raise PermissionDenied(_("Only the office escalates a coordination matter to a leader."), code="not_office")
    locked = _lock(coordination, "escalate_to_leader")
    note = _text(note, field="note", required=False, limit=MAX_TEXT)
    if leader is None or not (leader.is_active and is_leader(leader)):
        raise ValidationError(_("Choose a leader."), fields={"leader": [_("Choose an active leader.")]})
    if not Classification.allows(leader.clearance, locked.classification):
        message = _("%(name)s is not cleared for this classification.") % {"name": leader.display_name}
        raise ValidationError(message, fields={"leader": [message]})
    if locked.referred_to_id is not None:
        raise Conflict(_("The matter is already with a leader for a ruling."), code="coordination_with_leader")
    workitems_settle_for_target(target=locked, kind=WorkItemKind.COORDINATION, outcome="to_leader", actor=actor)
    workitem_open(
        assignee=leader,
        kind=WorkItemKind.COORDINATION,
        target=locked,
        title=locked.title,
        due_at=calendar.due_at_for(timezone.now(), working_days=3),
        classification=locked.classification,
        assigned_by=actor,
    )
    locked.referred_to, locked.referral_note, locked.referred_at = leader, note, timezone.now()
    locked.save(update_fields=["referred_to", "referral_note", "referred_at"])
    audit_record(
        actor=actor, verb="coordination.escalate_to_leader", target=locked, data={"leader": leader.pk, "note": note}
    )
    return locked


@transaction.atomic
def coordination_escalate(*, coordination: CoordinationMatter, actor: Any = None) -> CoordinationMatter:
    """Silence past the answer date: the open matter goes to the office (the deadline scan). Not to
    be confused with ``coordination_escalate_to_leader``, the office's step up to a leader."""
    locked = _lock(coordination, "escalate")
    _escalate(locked, actor=actor, reason="no answer by the deadline")
    return locked


def coordinations_escalate_overdue(*, today: date | None = None) -> int:
    """Send every open matter whose answer date has passed to the office; returns how many.
    Idempotent: an escalated matter is no longer open. Run daily (``manage.py coordination_escalate``)."""
    today = today or timezone.localdate()
    count = 0
    overdue = CoordinationMatter.objects.filter(status=CoordinationStatus.OPEN, respond_by__lt=today)
    for coordination in overdue.only("pk").iterator():
        try:
            coordination_escalate(coordination=coordination)
        except Conflict:
            continue  # answered or ruled meanwhile
        count += 1
    return count


@transaction.atomic
def coordination_link_meeting(*, actor: User, coordination: CoordinationMatter, meeting: Meeting) -> CoordinationMatter:
    """Link the coordination meeting (协调会) held on the matter: the office or the person who raised
    it (403 otherwise); a meeting the actor may not see is a 404, one of another kind a 400."""
    if not may_link_meeting(actor, coordination):
        raise PermissionDenied(_("Only the office or the person who raised the matter links its meeting."))
    if not meetings_visible(user=actor).filter(pk=meeting.pk).exists():
        raise NotFound()
    if meeting.kind != MeetingKind.COORDINATION:
        raise ValidationError(
            _("Link a coordination meeting."), fields={"meeting": [_("Choose a coordination meeting.")]}
        )
    locked = CoordinationMatter.objects.select_for_update().get(pk=coordination.pk)
    locked.meeting = meeting
    locked.save(update_fields=["meeting"])
    audit_record(actor=actor, verb="coordination.link_meeting", target=locked, data={"meeting": meeting.pk})
    return locked


def may_link_meeting(user: Any, coordination: CoordinationMatter) -> bool:
    return is_office_member(user) or getattr(user, "pk", None) == coordination.raised_by_id


def coordination_actions(*, user: Any, coordination: CoordinationMatter) -> dict[str, Any]:
    """What the person may do on the page: the parties they may answer for or dispute, whether they
    rule, escalate to a leader, and link the coordination meeting."""
    answerable, disputable = [], []
    if coordination.status == CoordinationStatus.OPEN:
        parties = [p for p in coordination.parties.all() if p.role != PartyRole.RELIEVED]
        answerable = [p for p in parties if p.response == PartyResponse.PENDING and may_answer_for(user, p)]
        disputable = [p for p in parties if p.response == PartyResponse.ACCEPTED and may_dispute_for(user, p)]
    return {
        "answerable": answerable,
        "disputable": disputable,
        "may_rule": coordination.status in TRANSITIONS["arbitrate"][0] and may_rule(user, coordination),
        "may_escalate_to_leader": coordination.status in TRANSITIONS["escalate_to_leader"][0]
        and coordination.referred_to_id is None
        and is_office_member(user),
        "may_link_meeting": may_link_meeting(user, coordination),
    }


def coordinations_mark_done() -> int:
    """Settled matters whose follow-up matter in affairs is done (办结) are done too; returns how many.
    Idempotent, run with the deadline scan."""
    finished = CoordinationMatter.objects.filter(status=CoordinationStatus.SETTLED, matter__status=MatterStatus.DONE)
    count = 0
    for coordination in finished.only("pk"):
        with transaction.atomic():
            updated = CoordinationMatter.objects.filter(pk=coordination.pk, status=CoordinationStatus.SETTLED).update(
                status=CoordinationStatus.DONE
            )
            if updated:
                audit_record(actor=None, verb="coordination.done", target=coordination, data={})
                count += updated
    return count
