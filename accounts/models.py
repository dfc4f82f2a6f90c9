"""People and departments: the custom user model and the department tree."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from core.enums import Classification


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a Chinese name, lower case without spaces: 张文涛 → zhangwentao, zwt."""
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="default") if s.strip()]
    initials = "".join(s[0] for s in syllables if s[:1].isalnum())
    return "".join(syllables).replace(" ", ""), initials


class Department(models.Model):
    """处室/部门. A tree: ``parent`` is the unit above; the office (办公室) has ``is_office``."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=32, unique=True, help_text=_("Short unique code, e.g. office."))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "accounts.User",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    doc_prefix = models.CharField(
        _("document number prefix"),
        max_length=20,
        blank=True,
        help_text=_("Used in document numbers, e.g. 办发. Empty: the office's prefix is used."),
    )
    is_office = models.BooleanField(
        _("is the general office"),
        default=False,
        help_text=_("Members of the general office (办公室) act as the coordination hub."),
    )
    order = models.PositiveIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["is_office"], condition=Q(is_office=True), name="one_office_department"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. ``name`` (姓名) is the display name; the username is the login."""

    name = models.CharField(_("full name"), max_length=50, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    title = models.CharField(
        _("job title"),
        max_length=50,
        blank=True,
        help_text=_("For example: division head, deputy director, staff member."),
    )
    is_leader = models.BooleanField(
        _("leader"), default=False, help_text=_("Bureau leadership (局领导): signs off and gives instructions.")
    )
    clearance = models.CharField(
        _("clearance"), max_length=16, choices=Classification.choices, default=Classification.INTERNAL
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The language notifications are written in (page, API, e-mail, robot message); chosen on the profile.
    language = models.CharField(
        _("language"), max_length=16, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Search keys kept in step with ``name`` on save: full pinyin and initials (张文涛 → zwt).
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    name_initials = models.CharField(max_length=50, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["department__order", "name", "id"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_pinyin, self.name_initials = pinyin_keys(self.name) if self.name else ("", "")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("accounts:person", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return self.is_superuser

    @property
    def roles(self) -> list[str]:
        return [r for r, on in (("leader", self.is_leader), ("admin", self.is_superuser)) if on]
