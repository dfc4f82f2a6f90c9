"""``Notification``: one message to one person, optionally about a target object."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.enums import Classification

from . import messages


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    REMINDER = "reminder", _("Reminder")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Escalation")
    URGE = "urge", _("Urged")
    CHANGED = "changed", _("Changed")
    CANCELLED = "cancelled", _("Cancelled")
    INFO = "info", _("Information")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    # What it says: a message key (notifications.messages) and plain parameters, rendered when shown
    # or sent, in the reader's language.
    message = models.CharField(_("message"), max_length=64, default=messages.LEGACY)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The target's classification, so that a reader who may not see the target is told at most
    # "一件秘密级待办" (blank: not known, or no target).
    classification = models.CharField(_("classification"), max_length=16, blank=True, choices=Classification.choices)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("target type"), null=True, blank=True, on_delete=models.PROTECT
    )
    target_id = models.PositiveBigIntegerField(_("target id"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the notification is part of, named by the layer that sent it (the ledger: the work item a
    # reminder, escalation or urge is about, for the item's history). Notifications know nothing of it.
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("subject type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("subject id"), null=True, blank=True)
    # A notification that must exist at most once (a reminder stage of one item for one person)
    # carries a key; the unique constraint makes a second creation a no-op.
    key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            # The unread badge counts only unread rows of one person.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_unread"),
            # The notifications about one subject (a work item's history).
            models.Index(fields=["subject_type", "subject_id"], name="notif_subject"),
        ]
        constraints = [models.UniqueConstraint(fields=["key"], name="notif_unique_key")]

    # Set by ``notifications.presentation.present`` for the reader at hand (not stored).
    shown_title: str
    shown_body: str
    masked: bool
    target_url: str | None

    def __str__(self) -> str:
        # Never the title: lists that name a notification (admin) may be read by people who may
        # not see its target.
        return f"{self.get_kind_display()} #{self.pk}"

    def render(self, language: str | None = "") -> tuple[str, str]:
        """(title, body) in ``language`` ("": the active one), unmasked: the caller has asked
        ``notifications.visibility`` (``notifications.presentation`` does both)."""
        return messages.render(self.message, self.params or {}, language=language)

    @property
    def title(self) -> str:
        return self.render()[0]

    @property
    def body(self) -> str:
        return self.render()[1]


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Each notification at once")
    DIGEST = "digest", _("A daily digest")
    NONE = "none", _("No e-mail")


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_mode = models.CharField(_("e-mail"), max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE)
    digest_hour = models.PositiveSmallIntegerField(
        _("digest hour"), default=17, help_text=_("Hour of the day (0-23) the digest is sent, on working days.")
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.CheckConstraint(condition=Q(digest_hour__lte=23), name="pref_digest_hour_valid")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.email_mode}"


class RobotPlatform(models.TextChoices):
    WECOM = "wecom", _("WeCom (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk (钉钉)")
    FEISHU = "feishu", _("Feishu (飞书)")


class RobotWebhook(models.Model):
    """A chat group's robot (群机器人): where routed notifications are posted. Set by administrators."""

    name = models.CharField(_("name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=16, choices=RobotPlatform.choices)
    url = models.URLField(_("webhook URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk and Feishu: the robot's signing secret (加签). Blank: messages are not signed."),
    )
    active = models.BooleanField(_("active"), default=True)
    offered = models.BooleanField(
        _("offered to people"),
        default=False,
        help_text=_("People may choose this robot for their own notifications (on their chat robots page)."),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("chat robot")
        verbose_name_plural = _("chat robots")

    def __str__(self) -> str:
        return self.name


class RobotRoute(models.Model):
    """A person's or a department's chosen kinds of notification, posted to a robot as well."""

    webhook = models.ForeignKey(
        RobotWebhook, verbose_name=_("chat robot"), on_delete=models.CASCADE, related_name="routes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="robot_routes",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="robot_routes",
        help_text=_("The notifications of everyone in the department (not its sub-departments)."),
    )
    kinds = models.JSONField(_("kinds"), default=list, help_text=_("The kinds of notification posted."))

    class Meta:
        verbose_name = _("robot route")
        verbose_name_plural = _("robot routes")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, department__isnull=True) | Q(user__isnull=True, department__isnull=False)
                ),
                name="robot_route_user_or_department",
                violation_error_message=_("Choose either a person or a department."),
            ),
            models.UniqueConstraint(fields=["webhook", "user"], name="robot_route_once_per_person"),
            models.UniqueConstraint(fields=["webhook", "department"], name="robot_route_once_per_department"),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.department} → {self.webhook}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class EmailDelivery(models.Model):
    """The e-mail for one notification: recorded with it, claimed before sending, marked after.

    The database, not the broker, is the record: a delivery whose task was lost (broker down,
    worker killed) is picked up again by the scanner.
    """

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="email")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=16, choices=EmailMode.choices)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # After a failed attempt that may pass (a connection error): not before this moment again.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        indexes = [
            models.Index(
                fields=["mode", "created_at"], condition=Q(status__in=["pending", "sending"]), name="delivery_unsent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.status}"


class RobotDelivery(models.Model):
    """One notification posted to one robot: recorded with the notification, sent once by a worker."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="robot_deliveries")
    webhook = models.ForeignKey(RobotWebhook, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # After a failed attempt that may pass (a connection error): not before this moment again.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("robot delivery")
        verbose_name_plural = _("robot deliveries")
        constraints = [
            # Exactly once per notification and channel.
            models.UniqueConstraint(fields=["notification", "webhook"], name="robot_delivery_once"),
        ]
        indexes = [
            models.Index(
                fields=["attempts", "created_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="robot_delivery_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.webhook_id} {self.status}"
