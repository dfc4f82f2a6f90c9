"""Page actions of a meeting's follow-up: reply, propose/decide/publish agenda items, write and
publish the minutes, issue them as a 纪要 document, record decisions, positions and the resolution;
and the links the ledger and the matters follow (an agenda item, a decision, a material).

Each action looks the meeting up through the selector (404 for those who may not see it), calls
its service and redirects to the meeting page (PRG); a refusal shows the meeting page again with
the service's message, the refusal's status (400/403/409) and the form as submitted.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Department
from core.attachments import attachment_response
from core.errors import DomainError, PermissionDenied, ValidationError

from . import selectors_followup as reads
from . import services_followup as writes
from .forms_followup import (
    AgendaDecideForm,
    AgendaItemForm,
    AgendaMoveForm,
    DecisionForm,
    MinutesForm,
    PositionForm,
    ResolutionForm,
    RespondForm,
)
from .views import meeting_page


def _act(
    request: HttpRequest,
    pk: int,
    *,
    name: str,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    done: str,
    anchor: str,
) -> HttpResponse:
    if not form.is_valid():
        return meeting_page(
            request, pk, refusal=ValidationError(_("Please correct the marked fields.")), bound={name: form}
        )
    try:
        call(form.cleaned_data)
    except DomainError as error:
        for field, problems in error.fields.items():
            if field in form.fields:
                for problem in problems:
                    form.add_error(field, problem)
        return meeting_page(request, pk, refusal=error, bound={name: form})
    messages.success(request, done)
    meeting = reads.meeting_for_followup(user=request.user, pk=pk)
    return redirect(f"{meeting.get_absolute_url()}#{anchor}")


@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.meeting_for_followup(user=request.user, pk=pk)
    return _act(
        request,
        pk,
        name="respond",
        form=RespondForm(request.POST, prefix="respond"),
        call=lambda data: writes.attendance_respond(
            actor=request.user, meeting=meeting, response=data["response"], delegate=data.get("delegate")
        ),
        done=_("Your reply is recorded."),
        anchor="attendance",
    )


@require_POST
def agenda_propose(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.meeting_for_followup(user=request.user, pk=pk)
    return _act(
        request,
        pk,
        name="agenda",
        form=AgendaItemForm(request.POST, request.FILES, prefix="agenda"),
        call=lambda data: writes.agenda_item_propose(actor=request.user, meeting=meeting, **data),
        done=_("The agenda item is proposed; the organizer is asked to review it."),
        anchor="agenda",
    )


@require_POST
def agenda_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = reads.agenda_item_get(user=request.user, pk=pk)
    return _act(
        request,
        item.meeting_id,
        name="decide",
        form=AgendaDecideForm(request.POST, prefix="decide"),
        call=lambda data: writes.agenda_item_decide(
            actor=request.user, item=item, accept=data["decision"] == "accept", reason=data.get("reason") or ""
        ),
        done=_("The agenda item is decided; its proposer is told."),
        anchor="agenda",
    )


@require_POST
def agenda_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = reads.agenda_item_get(user=request.user, pk=pk)
    return _act(
        request,
        item.meeting_id,
        name="move",
        form=AgendaMoveForm(request.POST),
        call=lambda data: writes.agenda_item_move(actor=request.user, item=item, position=data["position"]),
        done=_("The agenda order is changed; publish the agenda again to send it."),
        anchor=f"agenda-item-{item.pk}",
    )


@require_POST
def agenda_publish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.meeting_for_followup(user=request.user, pk=pk)
    return _act(
        request,
        pk,
        name="publish",
        form=forms.Form(request.POST),
        call=lambda data: writes.agenda_publish(actor=request.user, meeting=meeting),
        done=_("The agenda is published to the attendees."),
        anchor="agenda",
    )


@require_POST
def minutes_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.meeting_for_followup(user=request.user, pk=pk)
    publish = "publish" in request.POST
    return _act(
        request,
        pk,
        name="minutes",
        form=MinutesForm(request.POST, prefix="minutes"),
        call=lambda data: writes.minutes_save(
            actor=request.user, meeting=meeting, text=data.get("text") or "", publish=publish
        ),
        done=_("The minutes are published to the attendees.") if publish else _("The minutes are saved as a draft."),
        anchor="minutes",
    )


@require_POST
def minutes_issue(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.meeting_for_followup(user=request.user, pk=pk)
    return _act(
        request,
        pk,
        name="issue",
        form=forms.Form(request.POST),
        call=lambda data: writes.minutes_issue(actor=request.user, meeting=meeting),
        done=_("A 纪要 draft is started from the minutes; it follows the documents' approval path."),
        anchor="minutes",
    )


@require_POST
def decision_record(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.meeting_for_followup(user=request.user, pk=pk)
    return _act(
        request,
        pk,
        name="decision",
        form=DecisionForm(request.POST, prefix="decision"),
        call=lambda data: writes.decision_record(actor=request.user, meeting=meeting, **data),
        done=_("The decision is recorded and followed as a matter."),
        anchor="decisions",
    )


@require_POST
def position_record(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.meeting_for_followup(user=request.user, pk=pk)
    department_ids = writes.position_department_ids(request.user, meeting)
    if department_ids is not None and not department_ids:
        # The rule before the form: its choices are the departments this person may speak for.
        raise PermissionDenied(
            _("Positions are recorded by the organizer, the office or the head of a party department.")
        )

    def call(data: dict[str, Any]) -> Any:
        department: Department = data["department"]
        return writes.position_record(actor=request.user, meeting=meeting, department=department, text=data["text"])

    return _act(
        request,
        pk,
        name="position",
        form=PositionForm(request.POST, prefix="position", department_ids=department_ids),
        call=call,
        done=_("The position is recorded."),
        anchor="positions",
    )


@require_POST
def resolution_record(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.meeting_for_followup(user=request.user, pk=pk)
    return _act(
        request,
        pk,
        name="resolution",
        form=ResolutionForm(request.POST, prefix="resolution"),
        call=lambda data: writes.resolution_record(actor=request.user, meeting=meeting, text=data["text"]),
        done=_("The resolution is recorded."),
        anchor="positions",
    )


@require_GET
def agenda_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the ledger's "review an agenda item" leads: the item on its meeting's page."""
    item = reads.agenda_item_get(user=request.user, pk=pk)
    return redirect(f"{item.meeting.get_absolute_url()}#agenda-item-{item.pk}")


@require_GET
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a matter's source link leads: the decision on its meeting's page."""
    found = reads.decision_get(user=request.user, pk=pk)
    return redirect(f"{reverse('meetings:meeting_detail', args=[found.meeting_id])}#decision-{found.pk}")


@require_GET
def material(request: HttpRequest, pk: int) -> HttpResponseBase:
    return attachment_response(reads.material_get(user=request.user, pk=pk), user=request.user)
