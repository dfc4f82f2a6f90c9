"""The enums of the API contract (API.md, Conventions): classification, urgency, priority."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.TextChoices):
    """密级, ordered from least to most restricted; compare with ``rank``."""

    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    SECRET = "secret", _("Secret")
    CONFIDENTIAL = "confidential", _("Confidential")

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)

    @classmethod
    def allows(cls, clearance: str, classification: str) -> bool:
        """Whether a person of ``clearance`` may see material of ``classification``."""
        return cls.rank(clearance) >= cls.rank(classification)

    @classmethod
    def up_to(cls, clearance: str) -> list[str]:
        """The classifications a person of ``clearance`` may see."""
        return list(cls.values)[: cls.rank(clearance) + 1]


class Urgency(models.TextChoices):
    """缓急: 平件 / 加急 / 特急."""

    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EXTRA_URGENT = "extra_urgent", _("Extra urgent")

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)


class Priority(models.TextChoices):
    """重点 / 次重点 / 一般."""

    KEY = "key", _("Key")
    SECONDARY = "secondary", _("Secondary")
    ROUTINE = "routine", _("Routine")

    @classmethod
    def rank(cls, value: str) -> int:
        """0 is the most important."""
        return list(cls.values).index(value)
