"""Relations (关系协调): cross-department coordination, bulletins, feedback, leaders' schedules."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationsConfig(AppConfig):
    name = "relations"
    verbose_name = _("Relations")

    def ready(self) -> None:
        from accounts.access import is_leader
        from core.context_processors import NAVIGATION_ROLES
        from meetings import busy
        from workload import targets

        from . import bulletin_selectors, feedback, schedules, selectors
        from .models import Bulletin, CoordinationMatter, Feedback

        # The one visibility rule of a coordination matter (selectors), for work items,
        # notifications and admin pages to ask.
        targets.register(
            CoordinationMatter,
            "relations:coordination_detail",
            visible=lambda user: selectors.coordination_visibility(user),
        )

        # Public feedback (群众意见): the office, the routed department's head and the handler.
        targets.register(Feedback, "relations:feedback_detail", visible=lambda user: feedback.feedback_visibility(user))
        # Leader bulletins (信息通报): the office and the recipients, cleared for it (bulletin_selectors).
        targets.register(
            Bulletin, "bulletins:detail", visible=lambda user: bulletin_selectors.bulletin_visibility(user)
        )

        # Leaders' schedules (领导日程) hold them as busy for the meeting clash check and free slots.
        busy.register_busy_source(schedules.BUSY_SOURCE, schedules.schedule_busy_intervals)
        # The navigation's link to the week of all leaders (the office's role is registered by accounts).
        NAVIGATION_ROLES.setdefault("leader", is_leader)
