"""Shared kernel: enums, working-day calendar, audit log, errors. Imports no other Xietong app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The system checks, and the Celery signals that carry request ids into tasks.
        from . import checks, observability  # noqa: F401
