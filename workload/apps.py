"""The work-item ledger: who must act on what by when; my desk; workload dashboards."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkloadConfig(AppConfig):
    name = "workload"
    verbose_name = _("Workload")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (listens to the ledger's signals)
