"""The work-item ledger: who must act on what by when; my desk; workload dashboards."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkloadConfig(AppConfig):
    name = "workload"
    verbose_name = _("Workload")

    def ready(self) -> None:
        from core.admin import set_audit_visibility
        from core.context_processors import NAVIGATION_ROLES
        from notifications import links, visibility

        from . import receivers  # noqa: F401  (the reminder engine listens to the ledger's signals)
        from .dashboards import may_view_dashboards_for_navigation
        from .targets import audit_visibility, target_ref, visible_refs

        links.set_resolver(target_ref)  # notifications link to their targets through the ledger
        # Notifications and the audit log's admin (layers below) learn whether a reader may see
        # what they are about from the target types' registered rules (DESIGN.md, Rule of visibility).
        visibility.set_checker(visible_refs)
        set_audit_visibility(audit_visibility)
        # The navigation's link to the workload dashboards (leaders, the office, administrators, heads).
        NAVIGATION_ROLES["dashboards"] = may_view_dashboards_for_navigation
