"""Public feedback (群众意见): what the office registers from letters, visits, calls, the web and the
hotline, routes to a department, and closes with the reply and the submitter's satisfaction."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeedbackChannel(models.TextChoices):
    LETTER = "letter", _("Letter (来信)")
    VISIT = "visit", _("Visit (来访)")
    PHONE = "phone", _("Phone (来电)")
    WEB = "web", _("Web (网上)")
    HOTLINE = "hotline", _("Hotline (热线)")


class FeedbackCategory(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry (咨询)")
    SUGGESTION = "suggestion", _("Suggestion (建议)")
    COMPLAINT = "complaint", _("Complaint (投诉)")
    HELP = "help", _("Request for help (求助)")
    REPORT = "report", _("Report of wrongdoing (举报)")
    OTHER = "other", _("Other (其他)")


class FeedbackStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ROUTED = "routed", _("Routed to a department")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY = "fairly", _("Fairly satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    UNRATED = "unrated", _("Not rated")


class FeedbackCounter(models.Model):
    """The last reference number given per year. Registering locks this row (never max()+1), so
    that numbers are gap-free and unique under concurrent registrations."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("feedback counter")
        verbose_name_plural = _("feedback counters")

    def __str__(self) -> str:
        return f"{self.year}:{self.last}"


class Feedback(models.Model):
    """One piece of public feedback and where it stands."""

    number = models.CharField(_("reference number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=FeedbackChannel.choices)
    # An anonymous submitter leaves no personal fields: the service empties them.
    anonymous = models.BooleanField(_("anonymous"), default=False)
    submitter_name = models.CharField(_("submitter's name"), max_length=100, blank=True)
    submitter_phone = models.CharField(_("submitter's phone"), max_length=40, blank=True)
    submitter_address = models.CharField(_("submitter's address"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    category = models.CharField(_("category"), max_length=16, choices=FeedbackCategory.choices)
    received_on = models.DateField(_("received on"))
    # Empty for what came in through the public page.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.REGISTERED
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("routed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 受理告知 and 办理 deadlines (DOMAIN.md C2; README "Public feedback").
    acknowledge_by = models.DateField(_("acknowledge by"))
    due_on = models.DateField(_("reply due on"), null=True, blank=True)
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    # The handler's open item on the ledger (the one a re-route or reply settles).
    work_item = models.ForeignKey(
        "workload.WorkItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=16, choices=Satisfaction.choices, default=Satisfaction.UNRATED
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("public feedback")
        verbose_name_plural = _("public feedback")
        indexes = [
            models.Index(fields=["status", "due_on"], name="feedback_status_due"),
            models.Index(fields=["department", "-id"], name="feedback_department"),
            models.Index(fields=["handler", "-id"], name="feedback_handler"),
            models.Index(fields=["received_on"], name="feedback_received_on"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("relations:feedback_detail", args=[self.pk])
