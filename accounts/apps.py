"""Organization: people, departments, roles and clearance."""

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organization")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core.context_processors import NAVIGATION_ROLES

        from .access import is_office_member_for_navigation

        # The office's links (the issuing queue) in the navigation, worked out at login (then kept
        # in the cache a few minutes) rather than by a query on every page.
        NAVIGATION_ROLES["office"] = is_office_member_for_navigation
        user_logged_in.connect(_remember_navigation_roles, dispatch_uid="accounts.navigation_roles")


def _remember_navigation_roles(sender: Any, user: Any, **kwargs: Any) -> None:
    from .access import is_office_member_for_navigation

    is_office_member_for_navigation(user)
