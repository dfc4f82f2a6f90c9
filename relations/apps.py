"""Relations (关系协调): cross-department coordination, bulletins, feedback."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationsConfig(AppConfig):
    name = "relations"
    verbose_name = _("Relations")

    def ready(self) -> None:
        from workload import targets

        from . import selectors
        from .models import CoordinationMatter

        # The one visibility rule of a coordination matter (selectors), for work items,
        # notifications and admin pages to ask.
        targets.register(
            CoordinationMatter,
            "relations:coordination_detail",
            visible=lambda user: selectors.coordination_visibility(user),
        )
