"""Relations (关系协调): coordination matters between departments (协调事项)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.enums import Classification

# --- Coordination matters (协调事项) ------------------------------------------------------------


class CoordinationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the departments' answers")
    ESCALATED = "escalated", _("With the office for a ruling")
    SETTLED = "settled", _("Settled")
    DONE = "done", _("Done")


class PartyRole(models.TextChoices):
    LEAD = "lead", _("Lead department")
    COOPERATING = "cooperating", _("Cooperating department")
    # A department the office's ruling took off the matter: kept for the record.
    RELIEVED = "relieved", _("Relieved by the ruling")


class PartyResponse(models.TextChoices):
    PENDING = "pending", _("Not yet answered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    # Accepted first, then objected before the matter was settled (异议): it went to the office.
    DISPUTED = "disputed", _("Disputed")


class CoordinationMatter(models.Model):
    """A matter that needs several departments: one leads, the others cooperate, each accepts."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    departments: "models.ManyToManyField[Any, Any]" = models.ManyToManyField(
        "accounts.Department",
        through="CoordinationParty",
        verbose_name=_("departments"),
        related_name="coordination_matters",
    )
    respond_by = models.DateField(_("answer by"))
    status = models.CharField(
        _("status"), max_length=16, choices=CoordinationStatus.choices, default=CoordinationStatus.OPEN
    )
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices, default=Classification.INTERNAL
    )
    ruling = models.TextField(_("ruling"), blank=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ruled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ruled_at = models.DateTimeField(_("ruled at"), null=True, blank=True)
    # The leader the office escalated the matter to for a ruling, instead of ruling itself.
    referred_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated to leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referral_note = models.TextField(_("note to the leader"), blank=True)
    referred_at = models.DateTimeField(_("escalated to the leader at"), null=True, blank=True)
    # The affairs matter the settlement became (its source points back here).
    matter = models.ForeignKey(
        "affairs.Matter",
        verbose_name=_("follow-up matter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The coordination meeting (协调会) held on it, when one is.
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("coordination meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("coordination matter")
        verbose_name_plural = _("coordination matters")
        indexes = [
            models.Index(fields=["raised_by", "-id"], name="coord_raised_by"),
            # The deadline scan: open matters whose answers are due.
            models.Index(fields=["status", "respond_by"], name="coord_status_respond_by"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("relations:coordination_detail", args=[self.pk])


class CoordinationParty(models.Model):
    """One department's place in a coordination matter and its head's answer."""

    coordination = models.ForeignKey(CoordinationMatter, on_delete=models.CASCADE, related_name="parties")
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    response = models.CharField(
        _("answer"), max_length=16, choices=PartyResponse.choices, default=PartyResponse.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The head's item on the ledger; whoever holds it (the head, or a colleague it was passed to) answers.
    work_item = models.ForeignKey(
        "workload.WorkItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("coordination party")
        verbose_name_plural = _("coordination parties")
        constraints = [
            models.UniqueConstraint(fields=["coordination", "department"], name="coord_party_unique"),
        ]
        indexes = [models.Index(fields=["department", "coordination"], name="coord_party_department")]

    def __str__(self) -> str:
        return f"{self.coordination_id}/{self.department_id} {self.role}"


# --- Leader bulletins (信息通报), public feedback (群众意见) and leaders' schedules (领导日程), -------
# --- each in its own module ----------------------------------------------------------------------
from .bulletin_models import Bulletin, BulletinKind, BulletinRecipient, BulletinReply  # noqa: E402, F401
from .feedback_models import (  # noqa: E402, F401
    Feedback,
    FeedbackCategory,
    FeedbackChannel,
    FeedbackCounter,
    FeedbackStatus,
    Satisfaction,
)
from .schedule_models import ScheduleEntry, ScheduleKind, SchedulePrivacy  # noqa: E402, F401
