"""Shared kernel: enums, working-day calendar, audit log, errors. Imports no other Xietong app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The system checks, and the Celery signals that carry request ids into tasks.
        from django.contrib.auth.signals import user_logged_in

        from . import checks, observability  # noqa: F401
        from .middleware import remember_login_time

        # The session's absolute lifetime counts from sign-in (core.middleware.SessionExpiryMiddleware).
        user_logged_in.connect(remember_login_time, dispatch_uid="core.session_login_time")
