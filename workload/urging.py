"""催办 by hand and scheduled reminders: writes of the reminder engine that people and apps call."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_office_member
from accounts.models import User
from core.audit import audit_record
from core.errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationError
from notifications.models import NotificationKind
from notifications.services import notification_create

from . import targets
from .models import ScheduledReminder, Urge, WorkItem, WorkItemStatus

URGE_INTERVAL = timedelta(hours=1)


@transaction.atomic
def workitem_urge(*, actor: User, item: WorkItem, message: str = "") -> Urge:
    """催办: the item's assigner or the office presses the assignee; once per item per hour."""
    if item.status != WorkItemStatus.OPEN:
        raise Conflict(_("This work item is already closed; there is nothing to urge."), code="already_closed")
    if not targets.visible_refs(actor, [(item.target_type_id, item.target_id)]):
        # The target's own rule (DESIGN.md, Rule of visibility): no urge on what one may not see.
        raise NotFound()
    if actor.pk != item.assigned_by_id and not is_office_member(actor):
        raise PermissionDenied(_("Only the person who assigned this, or the office, may urge it."))
    if actor.pk == item.assignee_id:
        raise ValidationError(_("You cannot urge yourself."))
    now = timezone.now()
    # One conditional update decides, so two urges at once cannot both pass the hourly limit.
    claimed = (
        WorkItem.objects.filter(pk=item.pk)
        .filter(Q(last_urged_at__isnull=True) | Q(last_urged_at__lte=now - URGE_INTERVAL))
        .update(last_urged_at=now)
    )
    if not claimed:
        raise RateLimited(
            _("This item was urged less than an hour ago; give the assignee time."), code="urged_recently"
        )
    item.last_urged_at = now
    urge = Urge.objects.create(work_item=item, by=actor, message=message.strip())
    notification_create(
        recipient=item.assignee,
        kind=NotificationKind.URGE,
        message="workitem.urged",
        params={"title": item.title, "name": actor.display_name, "note": urge.message},
        classification=item.classification,
        target_ref=(item.target_type_id, item.target_id),
        actor=actor,
        subject=item,
    )
    audit_record(actor=actor, verb="workitem.urge", target=item, data={"message": urge.message})
    return urge


@transaction.atomic
def reminder_schedule(
    *,
    target: models.Model,
    recipients: Iterable[User],
    at: Iterable[datetime],
    title: str,
    body: str = "",
) -> list[ScheduledReminder]:
    """Remind ``recipients`` about ``target`` at each moment of ``at`` (past moments are skipped).

    Calling it again for the same target, person and moment changes nothing (a stable key).
    """
    content_type = ContentType.objects.get_for_model(target)
    now = timezone.now()
    created = []
    for moment in at:
        if moment <= now:
            continue
        for person in recipients:
            key = f"{content_type.pk}:{target.pk}:{person.pk}:{int(moment.timestamp())}"
            reminder, made = ScheduledReminder.objects.get_or_create(
                key=key,
                defaults={
                    "recipient": person,
                    "target_type": content_type,
                    "target_id": target.pk,
                    "remind_at": moment,
                    "title": str(title)[:300],
                    "body": body,
                },
            )
            if made:
                created.append(reminder)
    return created


@transaction.atomic
def reminders_cancel(*, target: models.Model, recipients: Iterable[User] | None = None) -> int:
    """Withdraw the unsent reminders about ``target`` (a meeting moved or cancelled)."""
    qs = ScheduledReminder.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk, sent_at__isnull=True
    )
    if recipients is not None:
        qs = qs.filter(recipient__in=[p.pk for p in recipients])
    return qs.update(cancelled=True)


@transaction.atomic
def reminders_replace(
    *,
    target: models.Model,
    plan: Iterable[tuple[User, datetime]],
    message: str,
    params: Mapping[str, Any],
    classification: str = "",
) -> int:
    """Make ``target``'s unsent reminders exactly ``plan`` (person, moment), saying ``message``.

    For timed events that move (a meeting rescheduled, a reply changed): moments no longer planned
    are withdrawn, planned ones created or brought back and given the current wording, past
    moments skipped; what was already sent stays sent. Returns how many are now pending.
    """
    content_type = ContentType.objects.get_for_model(target)
    now = timezone.now()
    wanted = {}
    for person, moment in plan:
        if moment > now:
            wanted[f"{content_type.pk}:{target.pk}:{person.pk}:{int(moment.timestamp())}"] = (person, moment)
    title = str(params.get("title", ""))[:300]
    fields = {"message": message, "params": dict(params), "classification": classification, "title": title}
    mine = ScheduledReminder.objects.filter(target_type=content_type, target_id=target.pk, sent_at__isnull=True)
    mine.exclude(key__in=list(wanted)).filter(cancelled=False).update(cancelled=True)
    existing = set(ScheduledReminder.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
    mine.filter(key__in=list(existing)).update(cancelled=False, **fields)
    ScheduledReminder.objects.bulk_create(
        [
            ScheduledReminder(
                key=key,
                recipient=person,
                target_type=content_type,
                target_id=target.pk,
                remind_at=moment,
                **fields,
            )
            for key, (person, moment) in wanted.items()
            if key not in existing
        ],
        ignore_conflicts=True,  # a concurrent call made the same reminder: one is enough
    )
    return mine.filter(cancelled=False).count()
