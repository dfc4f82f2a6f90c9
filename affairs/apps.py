"""Affairs (事务): assigned matters with supervision, receptions and work plans."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AffairsConfig(AppConfig):
    name = "affairs"
    verbose_name = _("Affairs")

    def ready(self) -> None:
        from workload import targets

        from .models import Arrangement, Matter

        targets.register(Matter, "affairs:matter_detail")
        targets.register(Arrangement, "affairs:arrangement_detail")
