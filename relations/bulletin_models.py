"""Leader bulletins (信息通报): what the office circulates to chosen leaders (a decision brief, the
explanation of a disagreement, a situation report), each leader's read receipt, and the replies."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.enums import Classification


class BulletinKind(models.TextChoices):
    DECISION = "decision", _("Decision brief")
    DISAGREEMENT = "disagreement", _("Explanation of a disagreement")
    SITUATION = "situation", _("Situation report")
    OTHER = "other", _("Other")


class Bulletin(models.Model):
    """One piece of information the office circulates to leaders. The body is plain text (shown
    escaped, its paragraphs kept), never HTML."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    kind = models.CharField(_("kind"), max_length=16, choices=BulletinKind.choices, default=BulletinKind.OTHER)
    classification = models.CharField(
        _("classification"), max_length=16, choices=Classification.choices, default=Classification.INTERNAL
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("circulated by"), on_delete=models.PROTECT, related_name="+"
    )
    # The coordination matter it explains, when it explains one (a disagreement, a ruling).
    coordination = models.ForeignKey(
        "relations.CoordinationMatter",
        verbose_name=_("coordination matter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("circulated at"), default=timezone.now)

    class Meta:
        verbose_name = _("leader bulletin")
        verbose_name_plural = _("leader bulletins")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bulletins:detail", args=[self.pk])


class BulletinRecipient(models.Model):
    """A leader the bulletin went to, and when they marked it read (已阅)."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="recipients")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The leader's "read the bulletin" item on the ledger.
    work_item = models.ForeignKey(
        "workload.WorkItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bulletin recipient")
        verbose_name_plural = _("bulletin recipients")
        constraints = [models.UniqueConstraint(fields=["bulletin", "leader"], name="bulletin_recipient_unique")]
        # A leader's bulletins (the visibility rule and the unread filter).
        indexes = [models.Index(fields=["leader", "bulletin"], name="bulletin_recipient_leader")]

    def __str__(self) -> str:
        return f"{self.bulletin_id}/{self.leader_id}"


class BulletinReply(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("reply"))
    created_at = models.DateTimeField(_("replied at"), default=timezone.now)

    class Meta:
        verbose_name = _("bulletin reply")
        verbose_name_plural = _("bulletin replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.bulletin_id}: {self.text[:30]}"
