"""Kernel tables: local calendar overrides, the append-only audit log, attachments, heartbeats."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HolidayOverride(models.Model):
    """A local exception to the national calendar: a day off, or a working day (调休 or local rule)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("is a working day"), help_text=_("Ticked: people work that day. Unticked: a day off.")
    )
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("For example: 春节, 调休上班."))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_target(self, obj: models.Model) -> "AuditEventQuerySet":
        return self.filter(target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk)


class AuditEvent(models.Model):
    """One thing someone did. Rows are only ever added (services write them in their transaction)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verb = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("target type"), null=True, blank=True, on_delete=models.PROTECT
    )
    target_id = models.PositiveBigIntegerField(_("target id"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    data = models.JSONField(_("data"), default=dict, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"], name="audit_target_idx")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_id} {self.verb}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Audit events are append-only.")


@receiver([post_save, post_delete], sender=HolidayOverride)
def _calendar_changed(**kwargs: Any) -> None:
    from . import calendar

    calendar.clear_cache()


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # Server-generated names: the uploaded name is kept only as data, never as a path.
    import uuid

    return f"attachments/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """An uploaded file belonging to some object (a progress report, a document).

    Stored under a server-generated name, its type checked from its content, its size limited;
    served only by a view that first checks that the person may see the owning object.
    """

    owner_type = models.ForeignKey(ContentType, verbose_name=_("owner type"), on_delete=models.PROTECT)
    owner_id = models.PositiveBigIntegerField(_("owner id"))
    owner = GenericForeignKey("owner_type", "owner_id")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="attachment_owner_idx")]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Heartbeat(models.Model):
    """When a background process last showed it was alive (one row per process kind, e.g. ``beat``).

    A table rather than the cache: the development cache is per process, and the web process that
    answers /healthz must see what the worker wrote."""

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"
