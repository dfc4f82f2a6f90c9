"""Leaders' schedules (领导日程): trips, inspections, receptions and other engagements the office
enters for a leader; each entry has a privacy level deciding who may see what it is."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScheduleKind(models.TextChoices):
    TRIP = "trip", _("Trip")
    INSPECTION = "inspection", _("Inspection")
    RECEPTION = "reception", _("Reception")
    OTHER = "other", _("Other engagement")


class SchedulePrivacy(models.TextChoices):
    # Who sees what the entry is (everyone else sees the leader only as "busy"):
    PUBLIC = "public", _("Public")  # every signed-in person
    INTERNAL = "internal", _("Internal")  # the office and the leaders
    PRIVATE = "private", _("Private (the leader and the office)")  # the leader and the office


class ScheduleEntry(models.Model):
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="schedule_entries", verbose_name=_("leader")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ScheduleKind.choices, default=ScheduleKind.TRIP)
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    privacy = models.CharField(
        _("privacy"), max_length=20, choices=SchedulePrivacy.choices, default=SchedulePrivacy.INTERNAL
    )
    note = models.TextField(_("note"), blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("schedule entry")
        verbose_name_plural = _("schedule entries")
        ordering = ("start", "id")
        indexes = [
            # The busy source and the week view: a leader's (or all leaders') live entries in a window.
            models.Index(fields=["leader", "start"], name="sched_leader_start"),
            models.Index(fields=["start", "end"], name="sched_window"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="sched_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("schedules:week") + f"?date={timezone.localtime(self.start).date().isoformat()}"
