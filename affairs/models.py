"""Affairs: matters (交办/督办事项) followed to completion, receptions (接待), work plans (工作计划/预案)."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.enums import Classification, Priority, Urgency


class MatterStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
    DONE = "done", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class MatterSource(models.TextChoices):
    """Where a matter came from; other apps link their object through ``source_object``."""

    AD_HOC = "ad_hoc", _("Assigned directly")
    INSTRUCTION = "instruction", _("Leader's instruction")
    MEETING_DECISION = "meeting_decision", _("Meeting decision")
    INCOMING_DOCUMENT = "incoming_document", _("Incoming document")
    WORK_PLAN = "work_plan", _("Work plan")


class Matter(models.Model):
    """Work handed down and followed to completion (交办/督办)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=32, choices=MatterSource.choices, default=MatterSource.AD_HOC)
    # The object the matter came from (an instruction, a meeting decision, an incoming document).
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("source type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, default=Priority.ROUTINE)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices, default=Classification.INTERNAL
    )
    assigner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lead owner"), on_delete=models.PROTECT, related_name="led_matters"
    )
    # The lead's department when the matter was assigned or last transferred (for lists and filters).
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assisting: "models.ManyToManyField[Any, Any]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assisting owners"),
        blank=True,
        related_name="assisted_matters",
        through="MatterAssistant",
    )
    due_on = models.DateField(_("due on"))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=32, choices=MatterStatus.choices, default=MatterStatus.IN_PROGRESS
    )
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    closing_report = models.TextField(_("closing report"), blank=True)
    transfer_count = models.PositiveIntegerField(_("times transferred"), default=0)
    return_count = models.PositiveIntegerField(_("times sent back"), default=0)
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    completed_at = models.DateTimeField(_("reported complete at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        indexes = [
            models.Index(fields=["status", "-id"], name="matter_status_id"),
            models.Index(fields=["lead", "status"], name="matter_lead_status"),
            models.Index(fields=["assigner", "status"], name="matter_assigner_status"),
            models.Index(fields=["department", "status"], name="matter_department_status"),
            models.Index(fields=["due_at"], condition=Q(status="in_progress"), name="matter_open_due"),
            models.Index(fields=["source_type", "source_id"], name="matter_source"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("affairs:matter_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status == MatterStatus.IN_PROGRESS and self.due_at < timezone.now()


class MatterAssistant(models.Model):
    """A 协办 owner of a matter."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="assistants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["matter", "user"], name="matter_assistant_unique")]
        indexes = [models.Index(fields=["user", "matter"], name="matter_assistant_user")]
        verbose_name = _("assisting owner")
        verbose_name_plural = _("assisting owners")

    def __str__(self) -> str:
        return f"{self.matter_id}:{self.user_id}"


class MatterEventKind(models.TextChoices):
    CREATED = "created", _("Assigned")
    PROGRESS = "progress", _("Progress report")
    TRANSFERRED = "transferred", _("Transferred")
    COMPLETED = "completed", _("Reported complete")
    CONFIRMED = "confirmed", _("Confirmed complete")
    RETURNED = "returned", _("Sent back")
    CANCELLED = "cancelled", _("Cancelled")
    CHANGED = "changed", _("Changed")


class MatterEvent(models.Model):
    """The matter's timeline: every step anyone took, in order. Progress reports are events too."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=MatterEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("text"), blank=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    # For transfers: from whom to whom.
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["matter", "created_at"], name="matter_event_matter")]
        verbose_name = _("matter event")
        verbose_name_plural = _("matter events")

    def __str__(self) -> str:
        return f"{self.matter_id} {self.kind}"


# --- Receptions -------------------------------------------------------------------------------


class ReceptionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONFIRMED = "confirmed", _("Confirmed")
    DONE = "done", pgettext_lazy("reception status", "Done")
    CANCELLED = "cancelled", _("Cancelled")


class Reception(models.Model):
    """接待: hosting a visiting delegation."""

    visiting_org = models.CharField(_("visiting organization"), max_length=200)
    purpose = models.TextField(_("purpose"))
    visitor_count = models.PositiveIntegerField(_("number of visitors"), default=1)
    arrival = models.DateTimeField(_("arrival"))
    departure = models.DateTimeField(_("departure"))
    host_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accompanying = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("accompanying staff"), blank=True, related_name="+"
    )
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReceptionStatus.choices, default=ReceptionStatus.PLANNED
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organized by"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("organizing department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reception")
        verbose_name_plural = _("receptions")
        indexes = [models.Index(fields=["arrival"], name="reception_arrival")]
        constraints = [
            models.CheckConstraint(
                condition=Q(departure__gte=models.F("arrival")), name="reception_departs_after_arrival"
            )
        ]

    def __str__(self) -> str:
        return self.visiting_org

    def get_absolute_url(self) -> str:
        return reverse("affairs:reception_detail", args=[self.pk])


class Visitor(models.Model):
    reception = models.ForeignKey(Reception, on_delete=models.CASCADE, related_name="visitors")
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=100, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")

    def __str__(self) -> str:
        return self.name


class ArrangementKind(models.TextChoices):
    MEALS = "meals", _("Meals")
    LODGING = "lodging", _("Lodging")
    VEHICLE = "vehicle", _("Vehicles")
    MEETING_ROOM = "meeting_room", _("Meeting room")
    OTHER = "other", _("Other")


class ArrangementStatus(models.TextChoices):
    PENDING = "pending", _("To arrange")
    ARRANGED = "arranged", _("Arranged")
    CANCELLED = "cancelled", _("Cancelled")


class Arrangement(models.Model):
    """One part of a reception (meals, lodging, vehicles, a room) that one person arranges."""

    reception = models.ForeignKey(Reception, on_delete=models.CASCADE, related_name="arrangements")
    kind = models.CharField(_("kind"), max_length=16, choices=ArrangementKind.choices)
    description = models.TextField(_("details"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ArrangementStatus.choices, default=ArrangementStatus.PENDING
    )
    note = models.TextField(_("result"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("arrangement")
        verbose_name_plural = _("arrangements")

    def __str__(self) -> str:
        return f"{self.reception} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("affairs:arrangement_detail", args=[self.pk])


# --- Work plans -------------------------------------------------------------------------------


class PlanPeriod(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")
    WEEK = "week", _("Week")


class PlanKind(models.TextChoices):
    PLAN = "plan", _("Work plan")
    CONTINGENCY = "contingency", _("Contingency plan")


class WorkPlan(models.Model):
    """工作计划/预案 of one department for one period."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PlanKind.choices, default=PlanKind.PLAN)
    period = models.CharField(_("period"), max_length=16, choices=PlanPeriod.choices)
    period_start = models.DateField(_("period starts"))
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-period_start", "department_id", "id"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        indexes = [models.Index(fields=["department", "-period_start"], name="workplan_department")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("affairs:plan_detail", args=[self.pk])


class WorkPlanItem(models.Model):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, default=Priority.ROUTINE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    matter = models.OneToOneField(
        Matter, verbose_name=_("matter"), null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_item"
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self) -> str:
        return self.title
