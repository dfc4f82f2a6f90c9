"""Affairs (事务): assigned matters, receptions, work plans. Built in issue 2."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AffairsConfig(AppConfig):
    name = "affairs"
    verbose_name = _("Affairs")
