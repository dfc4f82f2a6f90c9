"""Meetings (会议): rooms, clash-proof scheduling; later stages add free slots, replies, agenda,
minutes and decisions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from accounts import profile
        from workload import processes, targets

        from . import busy, calendar_views, selectors, selectors_followup
        from .models import AgendaItem, Decision, Meeting

        # The one visibility rule (selectors), for work items, notifications and admin pages to ask.
        targets.register(Meeting, "meetings:meeting_detail", visible=lambda user: selectors.meetings_visible(user=user))
        # What hangs off a meeting follows it: an agenda item (the organizer's review item) and a
        # decision (the source of its matter).
        targets.register(AgendaItem, "meetings:agenda_item", visible=selectors_followup.agenda_item_condition)
        targets.register(
            Decision, "meetings:decision", visible=lambda user: selectors_followup.decisions_visible(user=user)
        )
        # What became of the decisions (matters opened, done on time or late), for the dashboards.
        processes.register_follow_through(selectors_followup.decision_follow_through)
        # People held by meetings: the clash check's first busy source (relations adds leaders' schedules).
        busy.register_busy_source("meetings.attendance", selectors.meeting_busy_intervals)
        # The personal calendar feed's address and regenerate button on the profile page.
        profile.register_panel("meetings/_calendar_feed.html", calendar_views.feed_panel)
