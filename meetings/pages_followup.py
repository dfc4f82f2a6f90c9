"""The follow-up sections of the meeting page (attendance, agenda, minutes, decisions, positions):
what each shows the person and which forms they get. A fixed number of queries, whatever the data."""

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils import timezone

from . import selectors_followup as reads
from .forms_followup import (
    AgendaDecideForm,
    AgendaItemForm,
    DecisionForm,
    MinutesForm,
    PositionForm,
    ResolutionForm,
    RespondForm,
)
from .models import AgendaItemStatus, Attendee, AttendeeResponse, Meeting, MeetingKind, MeetingStatus
from .services import may_manage
from .services_followup import may_propose, position_department_ids


def followup_sections(
    request: HttpRequest, meeting: Meeting, attendees: list[Attendee], *, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    """The context the meeting page's follow-up sections need; ``bound``: forms to show again with
    their errors (by name)."""
    user = request.user
    bound = bound or {}
    scheduled = meeting.status == MeetingStatus.SCHEDULED
    upcoming = scheduled and meeting.start > timezone.now()
    manager = may_manage(user, meeting)

    def form(name: str, form_class: type[forms.Form], allowed: bool, **kwargs: Any) -> forms.Form | None:
        if not allowed:
            return None
        return bound.get(name) or form_class(prefix=name, **kwargs)

    mine = next((a for a in attendees if a.user_id == user.pk), None)
    standing_in = next(
        (a for a in attendees if a.delegate_id == user.pk and a.response == AttendeeResponse.DELEGATED), None
    )
    minutes = reads.minutes_of(meeting=meeting)
    agenda = reads.agenda_of(user=user, meeting=meeting)
    coordination = meeting.kind == MeetingKind.COORDINATION
    speaks_for = position_department_ids(user, meeting, attendees) if scheduled and coordination else set()
    may_position = speaks_for is None or bool(speaks_for)
    return {
        "attendance": reads.attendance_summary(attendees),
        "my_attendance": mine,
        "standing_in": standing_in,
        "respond_form": form("respond", RespondForm, upcoming and mine is not None),
        "may_reply_as_delegate": upcoming and standing_in is not None,
        "agenda": agenda,
        # Accepted items come first in ``agenda``: the loop counter is an accepted item's place.
        "agenda_length": sum(1 for item in agenda if item.status == AgendaItemStatus.ACCEPTED),
        "agenda_form": form(
            "agenda", AgendaItemForm, scheduled and meeting.end > timezone.now() and may_propose(user, meeting)
        ),
        "decide_form": form("decide", AgendaDecideForm, scheduled and manager),
        "minutes": minutes,
        "minutes_form": form(
            "minutes", MinutesForm, scheduled and manager, initial={"text": minutes.text if minutes else ""}
        ),
        "decisions": reads.decisions_of(meeting=meeting),
        "decision_form": form("decision", DecisionForm, scheduled and manager),
        "coordination": coordination,
        "positions": reads.positions_of(meeting=meeting) if coordination else [],
        "position_form": form("position", PositionForm, may_position, department_ids=speaks_for),
        "resolution_form": form(
            "resolution",
            ResolutionForm,
            scheduled and coordination and manager,
            initial={"text": minutes.resolution if minutes else ""},
        ),
        "manages_followup": scheduled and manager,
    }
