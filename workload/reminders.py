"""催办: reminders before and at due, daily while overdue, and escalation up the organization.

Every open work item with a deadline carries ``next_reminder_at``: when the scanner should next
look at it. The scanner (one Celery beat task a minute) reads only the open items whose moment has
come, through a partial index, so its cost grows with what is due, not with history. Each
notification it creates has a unique key (item, stage, recipient), so a stage is never sent twice,
even when two scanners run at once or a task is delivered twice.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.access import office_heads
from accounts.models import Department, User
from core import calendar
from notifications import messages
from notifications.models import NotificationKind
from notifications.services import NotificationSpec, notification_create, notifications_create_many

from .models import ReminderPolicy, ScheduledReminder, WorkItem, WorkItemStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    remind_before_hours: int = 8
    remind_at_due: bool = True
    remind_daily_overdue: bool = True
    escalate_to_head_after_days: int = 2
    escalate_to_office_after_days: int = 4


# The built-in defaults by urgency, used where the policy table has no matching row (the data
# migration writes the same values into the table for administrators to edit).
BUILT_IN: dict[str, Policy] = {
    "": Policy(remind_before_hours=8, escalate_to_head_after_days=2, escalate_to_office_after_days=4),
    "urgent": Policy(remind_before_hours=4, escalate_to_head_after_days=1, escalate_to_office_after_days=2),
    "extra_urgent": Policy(remind_before_hours=2, escalate_to_head_after_days=1, escalate_to_office_after_days=1),
}


def policy_for(kind: str, urgency: str, policies: list[ReminderPolicy] | None = None) -> Policy:
    """The most specific policy: (kind, urgency), (kind, any), (any, urgency), (any, any), then built-in."""
    rows = policies if policies is not None else list(ReminderPolicy.objects.all())
    by_key = {(p.kind, p.urgency): p for p in rows}
    for key in ((kind, urgency), (kind, ""), ("", urgency), ("", "")):
        row = by_key.get(key)
        if row is not None:
            return Policy(
                remind_before_hours=row.remind_before_hours,
                remind_at_due=row.remind_at_due,
                remind_daily_overdue=row.remind_daily_overdue,
                escalate_to_head_after_days=row.escalate_to_head_after_days,
                escalate_to_office_after_days=row.escalate_to_office_after_days,
            )
    return BUILT_IN.get(urgency, BUILT_IN[""])


def first_reminder_at(item: WorkItem, *, now: datetime, policy: Policy) -> datetime | None:
    """When an item just opened (or passed on) should first be looked at; None without a deadline."""
    if item.due_at is None:
        return None
    before = calendar.add_working_hours(item.due_at, -policy.remind_before_hours)
    # A deadline so close that the "before" moment has passed: the assignee was just told; next is due.
    return before if before > now else item.due_at


def schedule_item(item: WorkItem, *, now: datetime | None = None) -> None:
    """Set the item's first reminder moment (called when it opens or changes hands)."""
    now = now or timezone.now()
    moment = first_reminder_at(item, now=now, policy=policy_for(item.kind, item.urgency))
    WorkItem.objects.filter(pk=item.pk).update(next_reminder_at=moment)
    item.next_reminder_at = moment


def _next_morning(now: datetime) -> datetime:
    """The start of the next working day (daily overdue reminders go out in the morning)."""
    return calendar.start_of_working_day(calendar.next_workday(timezone.localdate(now)))


@dataclass
class _Org:
    """Who to escalate to, loaded once per scan: department heads and the office's heads."""

    heads: dict[int, User]
    office: list[User]

    @classmethod
    def load(cls) -> "_Org":
        heads = {
            d.pk: d.head
            for d in Department.objects.filter(head__isnull=False, head__is_active=True).select_related("head")
            if d.head is not None
        }
        return cls(heads=heads, office=list(office_heads()))

    def recipients(self, item: WorkItem, level: int) -> list[User]:
        if level == 1:
            head = self.heads.get(item.department_id or item.assignee.department_id or 0)
            if head is not None and head.pk != item.assignee_id:
                return [head]
            return [u for u in self.office if u.pk != item.assignee_id]
        people = {u.pk: u for u in self.office}
        if item.assigned_by is not None and item.assigned_by_id != item.assignee_id:
            people.setdefault(item.assigned_by.pk, item.assigned_by)
        people.pop(item.assignee_id, None)
        return list(people.values())


def _spec(
    item: WorkItem, recipient: User, kind: str, body: tuple[str, dict[str, object]], stage: str
) -> NotificationSpec:
    # ``body``: the message key and its parameters; the item's title is added (rendered when shown).
    return NotificationSpec(
        recipient=recipient,
        kind=kind,
        message=body[0],
        params={"title": item.title, **body[1]},
        classification=item.classification,
        target_ref=(item.target_type_id, item.target_id),
        subject=item,
        key=f"wi:{item.pk}:{stage}:{recipient.pk}",
    )


def process_item(
    item: WorkItem, *, now: datetime, policy: Policy, org: _Org
) -> tuple[list[NotificationSpec], datetime | None, int]:
    """What is due for ``item`` at ``now``: the notifications, its next moment, its escalation level.

    Pure: it writes nothing; the scanner writes what every item of the batch needs at once.
    """
    due = item.due_at
    if due is None:  # only items with a deadline are scheduled
        return [], None, item.escalation_level
    specs: list[NotificationSpec] = []
    body: tuple[str, dict[str, object]]
    if now < due:
        body = ("reminder.before_due", {"due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")})
        specs.append(_spec(item, item.assignee, NotificationKind.REMINDER, body, "before"))
        return specs, (due if policy.remind_at_due else _next_morning(due)), item.escalation_level
    # The daily reminders follow the calendar's working mornings; the escalation thresholds
    # count working time elapsed since the deadline (DESIGN.md: "逾期 N 个工作日").
    overdue = calendar.working_elapsed(due, now)
    if calendar.working_days_between(timezone.localdate(due), timezone.localdate(now)) <= 0:
        if policy.remind_at_due:
            specs.append(_spec(item, item.assignee, NotificationKind.OVERDUE, ("reminder.due", {}), "due"))
    elif policy.remind_daily_overdue:
        body = ("reminder.overdue", {"overdue": int(overdue.total_seconds())})
        stage = f"overdue:{timezone.localdate(now).isoformat()}"
        specs.append(_spec(item, item.assignee, NotificationKind.OVERDUE, body, stage))
    level = escalation_level(overdue, policy)
    for new_level in range(item.escalation_level + 1, level + 1):
        body = ("reminder.escalation", {"name": item.assignee.display_name, "overdue": int(overdue.total_seconds())})
        for recipient in org.recipients(item, new_level):
            specs.append(_spec(item, recipient, NotificationKind.ESCALATION, body, f"escalation{new_level}"))
    level = max(level, item.escalation_level)
    if not policy.remind_daily_overdue and level >= 2:
        return specs, None, level  # nothing more will ever be sent
    return specs, _next_moment(due, now, policy, level), level


def escalation_level(overdue: timedelta, policy: Policy) -> int:
    """0, 1 (the department head) or 2 (the office and the assigner) for working time ``overdue``."""
    if overdue <= timedelta(0):
        return 0
    if overdue >= timedelta(days=policy.escalate_to_office_after_days):
        return 2
    if overdue >= timedelta(days=policy.escalate_to_head_after_days):
        return 1
    return 0


def _next_moment(due: datetime, now: datetime, policy: Policy, level: int) -> datetime | None:
    """The next working morning, or sooner the working moment an escalation threshold is crossed."""
    moment = _next_morning(now) if policy.remind_daily_overdue else None
    for new_level, days in ((1, policy.escalate_to_head_after_days), (2, policy.escalate_to_office_after_days)):
        if new_level > level:
            crossing = calendar.next_working_moment(working_moment_after(due, timedelta(days=days)))
            if crossing > now and (moment is None or crossing < moment):
                moment = crossing
            break
    return moment or _next_morning(now)


def working_moment_after(start: datetime, elapsed: timedelta) -> datetime:
    """The moment at which ``calendar.working_elapsed(start, moment)`` reaches ``elapsed``."""
    remaining = elapsed
    tz = ZoneInfo(settings.TIME_ZONE)
    current = timezone.localtime(start, tz)
    while True:
        day_end = datetime.combine(current.date() + timedelta(days=1), time(0), tzinfo=tz)
        if calendar.is_workday(current.date()):
            if current + remaining <= day_end:
                return current + remaining
            remaining -= day_end - current
        current = day_end


def overdue_words(overdue: timedelta) -> str:
    """``1 个工作日 20 小时`` / ``1 working day 20 hours``: working time overdue, in the active language."""
    days, hours, minutes = overdue.days, overdue.seconds // 3600, overdue.seconds % 3600 // 60
    parts = []
    if days:
        parts.append(ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if not parts:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


def _overdue_seconds_words(seconds: object) -> str:
    return overdue_words(timedelta(seconds=int(seconds))) if isinstance(seconds, int | float) else ""


# The reminder texts of the ledger, rendered in each reader's language when shown (notifications.messages).
messages.register(
    "reminder.overdue", "%(title)s", _("Overdue by %(overdue)s."), formatted={"overdue": _overdue_seconds_words}
)
messages.register(
    "reminder.escalation",
    "%(title)s",
    _("%(name)s is %(overdue)s late with this."),
    formatted={"overdue": _overdue_seconds_words},
)


def _claim_batch(now: datetime, batch: int) -> list[WorkItem]:
    qs = (
        WorkItem.objects.filter(status=WorkItemStatus.OPEN, next_reminder_at__lte=now)
        .select_related("assignee", "assigned_by")
        .order_by("next_reminder_at", "id")
    )
    if connection.features.has_select_for_update_skip_locked:
        # Two scanners take disjoint rows instead of waiting on each other. (SQLite has no row
        # locks, but its IMMEDIATE transactions let only one scanner write at a time.)
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs[:batch])


def scan_work_items(*, now: datetime | None = None, batch: int = 500) -> int:
    """One pass of the scanner over due work items; returns how many items it moved on.

    With row locks (PostgreSQL: SKIP LOCKED) a constant number of queries per batch: claim the
    rows, load the organization and the policies, then write every notification, e-mail and next
    moment of the batch together. Without them (SQLite) each item is moved on by a conditional
    update, so a second scanner that read the same rows moves none of them again; the unique
    notification keys already keep its notifications from being created twice.
    """
    now = now or timezone.now()
    row_locks = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        items = _claim_batch(now, batch)
        if not items:
            return 0
        previous = {item.pk: item.next_reminder_at for item in items}
        policies = list(ReminderPolicy.objects.all())
        org = _Org.load()
        specs: list[NotificationSpec] = []
        for item in items:
            item_specs, item.next_reminder_at, item.escalation_level = process_item(
                item, now=now, policy=policy_for(item.kind, item.urgency, policies), org=org
            )
            specs.extend(item_specs)
        notifications_create_many(specs)
        if row_locks:
            WorkItem.objects.bulk_update(items, ["next_reminder_at", "escalation_level"], batch_size=500)
            return len(items)
        return sum(
            WorkItem.objects.filter(pk=item.pk, next_reminder_at=previous[item.pk]).update(
                next_reminder_at=item.next_reminder_at, escalation_level=item.escalation_level
            )
            for item in items
        )


# --- Scheduled reminders (meetings and other timed events) -----------------------------------


def scan_scheduled(*, now: datetime | None = None, batch: int = 500) -> int:
    """Send the scheduled reminders whose time has come, each once."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        qs = ScheduledReminder.objects.filter(sent_at__isnull=True, cancelled=False, remind_at__lte=now).select_related(
            "recipient"
        )
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        for reminder in qs.order_by("remind_at", "id")[:batch]:
            if not ScheduledReminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(sent_at=now):
                continue
            notification_create(
                recipient=reminder.recipient,
                kind=NotificationKind.REMINDER,
                message=reminder.message or None,
                params=reminder.params if reminder.message else None,
                title=reminder.title,
                body=reminder.body,
                classification=reminder.classification,
                target_ref=(reminder.target_type_id, reminder.target_id),
                key=f"scheduled:{reminder.key}",
            )
            sent += 1
    return sent


def meeting_reminder_times(start: datetime) -> list[datetime]:
    """One working day before (same time of day), and 30 minutes before."""
    local = timezone.localtime(start)
    day_before = calendar.add_working_days(local.date(), -1)
    return [
        local.replace(year=day_before.year, month=day_before.month, day=day_before.day),
        local - timedelta(minutes=30),
    ]


def due_work_items_query(now: datetime) -> "Q":
    """The scanner's condition, for the benchmark's query plan."""
    return Q(status=WorkItemStatus.OPEN, next_reminder_at__lte=now)
