"""``WorkItem``: one row each time the system asks a person to act (DESIGN.md, the ledger)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.enums import Classification, Priority, Urgency


class WorkItemKind(models.TextChoices):
    """What the person is asked to do. The coordination apps open items of these kinds."""

    MATTER = "matter", _("Assigned matter")
    MATTER_CONFIRMATION = "matter_confirmation", _("Confirm a completed matter")
    COMMENT_REQUEST = "comment_request", _("Comment request")
    APPROVAL = "approval", _("Approval")
    DISTRIBUTION = "distribution", _("Sign for receipt")
    INCOMING = "incoming", _("Incoming document")
    READING = "reading", _("Circulated reading")
    READING_PACKET = "reading_packet", _("Reading packet")
    AGENDA_REVIEW = "agenda_review", _("Agenda item review")
    MEETING = "meeting", _("Meeting reply")
    COORDINATION = "coordination", _("Coordination matter")
    FEEDBACK = "feedback", _("Public feedback")
    RECEPTION = "reception", _("Reception arrangement")
    BULLETIN = "bulletin", _("Leader bulletin")
    TASK = "task", _("Other task")


class WorkItemStatus(models.TextChoices):
    # Contexts: "Open" and "Done" are also button and tab labels elsewhere.
    OPEN = "open", pgettext_lazy("work item status", "Open")
    DONE = "done", pgettext_lazy("work item status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("work item status", "Cancelled")


def _rank(field: str, values: list[str]) -> Case:
    """0 for the first of ``values``, 1 for the next, ...: the order the desk lists them in."""
    return Case(*[When(**{field: value}, then=Value(rank)) for rank, value in enumerate(values)], default=Value(9))


class WorkItem(models.Model):
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), on_delete=models.PROTECT, related_name="work_items"
    )
    # The assignee's department when the item was assigned: workload counts do not move when a
    # person changes department later.
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_items",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=WorkItemKind.choices)
    target_type = models.ForeignKey(ContentType, verbose_name=_("target type"), on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField(_("target id"))
    target = GenericForeignKey("target_type", "target_id")
    title = models.CharField(_("title"), max_length=300)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, default=Priority.ROUTINE)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices, default=Classification.INTERNAL
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_work_items",
    )
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=WorkItemStatus.choices, default=WorkItemStatus.OPEN)
    outcome = models.CharField(_("outcome"), max_length=64, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # When the reminder scanner should next look at this item (set by workload.reminders;
    # None: nothing more to remind). The scanner reads only open rows due by now, via an index.
    next_reminder_at = models.DateTimeField(_("next reminder"), null=True, blank=True)
    last_urged_at = models.DateTimeField(_("last urged at"), null=True, blank=True)
    # The desk's sort keys, stored beside urgency and priority and kept by the database itself on
    # every write (save, bulk create, queryset update), so that an index can serve the desk's order.
    urgency_rank = models.GeneratedField(
        expression=_rank("urgency", list(reversed(Urgency.values))),  # 特急 first
        output_field=models.SmallIntegerField(),
        db_persist=True,
        verbose_name=_("urgency rank"),
    )
    priority_rank = models.GeneratedField(
        expression=_rank("priority", list(Priority.values)),  # 重点 first
        output_field=models.SmallIntegerField(),
        db_persist=True,
        verbose_name=_("priority rank"),
    )

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        indexes = [
            # 我的待办 / 已办: one person's items by status, by due date.
            models.Index(fields=["assignee", "status", "due_at"], name="wi_assignee_status_due"),
            models.Index(fields=["assignee", "status", "-completed_at"], name="wi_assignee_done"),
            # 我的待办 in the desk's order: urgency, priority, due date (after "overdue first").
            models.Index(
                fields=["assignee", "status", "urgency_rank", "priority_rank", "due_at"], name="wi_desk_order"
            ),
            # The API's lists page by id (cursor pagination), for one person's items or assignments.
            models.Index(fields=["assignee", "-id"], name="wi_assignee_id"),
            models.Index(fields=["assigned_by", "-id"], name="wi_assigned_by_id"),
            # 我交办的: what a person assigned, newest first.
            models.Index(fields=["assigned_by", "status", "-created_at"], name="wi_assigned_by"),
            # Department dashboards: open and overdue by department.
            models.Index(fields=["department", "status", "due_at"], name="wi_department_status_due"),
            # Workload dashboards: the items settled within a period (done, pass-backs, turnaround), by
            # department; the range on the first column serves every department and one alike.
            models.Index(fields=["completed_at", "department"], name="wi_completed_department"),
            # Due soon / overdue scans read only open items, in due order.
            models.Index(fields=["due_at"], condition=Q(status="open"), name="wi_open_due"),
            # The reminder scanner: open items whose next reminder is due, earliest first.
            models.Index(fields=["next_reminder_at"], condition=Q(status="open"), name="wi_open_next_reminder"),
            # Settling the items of a target (a matter closed, an approval decided).
            models.Index(fields=["target_type", "target_id", "status"], name="wi_target"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", completed_at__isnull=True) | ~Q(status="open"),
                name="wi_open_not_completed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status == WorkItemStatus.OPEN and self.due_at is not None and self.due_at < timezone.now()


class ReminderPolicy(models.Model):
    """When to remind and escalate, per work-item kind and urgency (blank: any).

    The most specific row wins: kind and urgency, then kind, then urgency, then the default row.
    """

    kind = models.CharField(_("work item kind"), max_length=32, blank=True, help_text=_("Blank: every kind."))
    urgency = models.CharField(
        _("urgency"), max_length=16, blank=True, choices=Urgency.choices, help_text=_("Blank: every urgency.")
    )
    remind_before_hours = models.PositiveSmallIntegerField(_("remind this many working hours before due"), default=8)
    remind_at_due = models.BooleanField(_("remind when due"), default=True)
    remind_daily_overdue = models.BooleanField(_("remind every working day while overdue"), default=True)
    escalate_to_head_after_days = models.PositiveSmallIntegerField(
        _("tell the department head after this many working days overdue"), default=2
    )
    escalate_to_office_after_days = models.PositiveSmallIntegerField(
        _("tell the office and the assigner after this many working days overdue"), default=4
    )

    class Meta:
        db_table = "notifications_reminderpolicy"  # created by notifications; the rows stayed when the model moved
        ordering = ["kind", "urgency"]
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")
        constraints = [
            models.UniqueConstraint(fields=["kind", "urgency"], name="reminder_policy_unique"),
            models.CheckConstraint(
                condition=Q(escalate_to_office_after_days__gte=models.F("escalate_to_head_after_days")),
                name="reminder_policy_office_after_head",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind or '*'} / {self.urgency or '*'}"


class Urge(models.Model):
    """催办: someone pressed for a work item, with an optional message."""

    work_item = models.ForeignKey("workload.WorkItem", on_delete=models.CASCADE, related_name="urges")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("urged by"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        db_table = "notifications_urge"  # created by notifications; the rows stayed when the model moved
        ordering = ["-created_at", "-id"]
        verbose_name = _("urge")
        verbose_name_plural = _("urges")
        indexes = [models.Index(fields=["work_item", "-created_at"], name="urge_item")]

    def __str__(self) -> str:
        return f"{self.work_item_id} {self.created_at:%Y-%m-%d %H:%M}"


class ScheduledReminder(models.Model):
    """Remind one person at one time about one object (meetings use it: a day and 30 minutes before)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    remind_at = models.DateTimeField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    # A registered message (notifications.messages) with its parameters, rendered in the reader's
    # language when sent, and the target's classification for masking; blank: ``title``/``body``
    # are finished text.
    message = models.CharField(max_length=64, blank=True)
    params = models.JSONField(default=dict, blank=True)
    classification = models.CharField(max_length=16, blank=True, choices=Classification.choices)

    class Meta:
        db_table = "notifications_scheduledreminder"  # created by notifications; the rows stayed when the model moved
        verbose_name = _("scheduled reminder")
        verbose_name_plural = _("scheduled reminders")
        indexes = [
            models.Index(
                fields=["remind_at"], condition=Q(sent_at__isnull=True, cancelled=False), name="scheduled_reminder_due"
            ),
            models.Index(fields=["target_type", "target_id"], name="scheduled_reminder_target"),
        ]

    def __str__(self) -> str:
        return f"{self.remind_at:%Y-%m-%d %H:%M} {self.title}"


class SearchEntry(models.Model):
    """One searchable object (a document, an incoming document, a matter) in the full-text index.

    Kept in step by the services that change the object (``workload.search.index``); found through
    ``workload.search.search``, which only ever returns entries whose object the person may see by
    its type's registered rule. ``title_words`` and ``words`` hold the jieba segments, separated by
    spaces, that the database's full-text search reads: on PostgreSQL ``vector`` (a tsvector under
    a GIN index, added by migration 0006 there only), on SQLite an FTS5 table kept by triggers.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    title_words = models.TextField(blank=True)
    words = models.TextField(blank=True)
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices, default=Classification.INTERNAL
    )
    updated = models.DateTimeField(_("updated"), default=timezone.now)
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="search_entry_unique")]

    def __str__(self) -> str:
        return self.title


class DashboardSnapshot(models.Model):
    """Pre-aggregated dashboard figures of one scope and period (``workload.dashboard_snapshots``),
    refreshed by a periodic task; served while fresh, with the moment they were computed."""

    key = models.CharField(_("scope"), max_length=200)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    data = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        constraints = [
            models.UniqueConstraint(fields=["key", "period_start", "period_end"], name="dashboard_snapshot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.period_start}–{self.period_end}"
