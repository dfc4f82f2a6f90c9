"""The work-item ledger: who must act on what by when; my desk; workload dashboards."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkloadConfig(AppConfig):
    name = "workload"
    verbose_name = _("Workload")
