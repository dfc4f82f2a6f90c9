"""``Notification``: one message to one person, optionally about a target object."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
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

    def __str__(self) -> str:
        return self.title


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
