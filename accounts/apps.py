"""Organization: people, departments, roles and clearance."""

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organization")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from core.context_processors import NAVIGATION_ROLES

        from .access import is_office_member_for_navigation

        # The office's links (the issuing queue) in the navigation, worked out at login (then kept
        # in the cache a few minutes) rather than by a query on every page.
        NAVIGATION_ROLES["office"] = is_office_member_for_navigation
        user_logged_in.connect(_remember_navigation_roles, dispatch_uid="accounts.navigation_roles")
        # Every sign-in, page or API, and every failed one is in the audit log.
        user_logged_in.connect(_audit_login, dispatch_uid="accounts.audit_login")
        user_login_failed.connect(_audit_login_failure, dispatch_uid="accounts.audit_login_failure")


def _remember_navigation_roles(sender: Any, user: Any, **kwargs: Any) -> None:
    from .access import is_office_member_for_navigation

    is_office_member_for_navigation(user)


def _audit_login(sender: Any, user: Any, request: Any = None, **kwargs: Any) -> None:
    from django.contrib.auth import SESSION_KEY

    from .services import login_record

    session = getattr(request, "session", None)
    login_record(user=user, channel="session" if session is not None and SESSION_KEY in session else "token")


def _audit_login_failure(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from .services import login_failure_record

    login_failure_record(username=credentials.get("username"))
