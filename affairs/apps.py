"""Affairs (事务): assigned matters with supervision, receptions and work plans."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AffairsConfig(AppConfig):
    name = "affairs"
    verbose_name = _("Affairs")

    def ready(self) -> None:
        from workload import targets

        from . import search, selectors
        from .models import Arrangement, Matter, Reception, WorkPlan

        # Each target type's page and its one visibility rule (the selectors'), for the ledger,
        # notifications and admin pages to ask.
        targets.register(Matter, "affairs:matter_detail", visible=lambda user: selectors.matters_visible(user=user))
        targets.register(
            Arrangement, "affairs:arrangement_detail", visible=lambda user: selectors.arrangements_visible(user=user)
        )
        targets.register(
            Reception, "affairs:reception_detail", visible=lambda user: selectors.receptions_visible(user=user)
        )
        targets.register(WorkPlan, "affairs:plan_detail", visible=lambda user: selectors.plans_visible(user=user))
        # The search box finds matters by title and description (workload.search), by the rule above.
        search.register()
