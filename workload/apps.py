"""The work-item ledger: who must act on what by when; my desk; workload dashboards."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkloadConfig(AppConfig):
    name = "workload"
    verbose_name = _("Workload")

    def ready(self) -> None:
        from notifications import links

        from . import receivers  # noqa: F401  (the reminder engine listens to the ledger's signals)
        from .targets import target_ref

        links.set_resolver(target_ref)  # notifications link to their targets through the ledger
