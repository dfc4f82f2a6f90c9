"""Pages of coordination matters (协调事项): the list, a matter with its parties, and the forms to
answer or dispute (a party department's head), to rule (the office, or the leader it escalated
the matter to), to escalate to a leader (the office) and to link the coordination meeting.
Refusals come back as the service's error on the page with its status (core.middleware); what a
person may not see is a 404."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.enums import Classification
from core.errors import DomainError, PermissionDenied, ValidationError
from meetings.models import MeetingKind
from meetings.selectors import meetings_visible

from . import selectors
from . import services_coordination as services
from .forms_coordination import ArbitrateForm, DisputeForm, EscalateForm, MeetingLinkForm, RaiseForm, RespondForm

PAGE_SIZE = 50


@require_GET
def coordination_list(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.coordination_list(user=request.user)[:PAGE_SIZE])
    return render(request, "relations/coordination_list.html", {"coordinations": rows})


@require_http_methods(["GET", "POST"])
def coordination_raise(request: HttpRequest) -> HttpResponse:
    """Anyone raises a matter: the form, or the matter's page once raised."""
    form = RaiseForm(request.POST or None, initial={"classification": Classification.INTERNAL})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                coordination = services.coordination_raise(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                for field, problems in error.fields.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
                status = error.status_code
            else:
                messages.success(request, _("The matter is raised; the departments' heads are asked to answer."))
                return redirect(coordination)
        else:
            status = 400
    return render(request, "relations/coordination_form.html", {"form": form}, status=status)


def _linkable_meetings(request: HttpRequest) -> Any:
    """The coordination meetings (协调会) the person may see, newest first: what they may link."""
    return meetings_visible(user=request.user).filter(kind=MeetingKind.COORDINATION).order_by("-start", "-id")


def _page(request: HttpRequest, pk: int, *, bound: dict[str, Any] | None = None, error: DomainError | None = None):
    coordination = selectors.coordination_get(user=request.user, pk=pk)
    actions = services.coordination_actions(user=request.user, coordination=coordination)
    forms = bound or {}
    answerable = actions["answerable"]
    respond = forms.get("respond") or RespondForm(prefix="respond")
    respond.fields["department"].queryset = respond.fields["department"].queryset.filter(
        pk__in=[p.department_id for p in answerable]
    )
    dispute = forms.get("dispute") or DisputeForm(prefix="dispute")
    dispute.fields["department"].queryset = dispute.fields["department"].queryset.filter(
        pk__in=[p.department_id for p in actions["disputable"]]
    )
    arbitrate = forms.get("arbitrate") or ArbitrateForm(prefix="arbitrate")
    escalate = forms.get("escalate") or EscalateForm(prefix="escalate")
    meeting = forms.get("meeting") or MeetingLinkForm(prefix="meeting")
    meeting.fields["meeting"].queryset = _linkable_meetings(request)
    context = {
        "coordination": coordination,
        "parties": list(coordination.parties.all()),
        "respond_form": respond if answerable else None,
        "dispute_form": dispute if actions["disputable"] else None,
        "arbitrate_form": arbitrate if actions["may_rule"] else None,
        # The leader the matter was referred to rules as that leader, not as the office.
        "rules_as_leader": coordination.referred_to_id is not None and coordination.referred_to_id == request.user.pk,
        "escalate_form": escalate if actions["may_escalate_to_leader"] else None,
        "meeting_form": meeting if actions["may_link_meeting"] else None,
        "refusal": error,
    }
    status = error.status_code if error is not None else 200
    return render(request, "relations/coordination_detail.html", context, status=status)


@require_GET
def coordination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk)


@require_POST
def coordination_respond(request: HttpRequest, pk: int) -> HttpResponse:
    coordination = selectors.coordination_get(user=request.user, pk=pk)
    form = RespondForm(request.POST, prefix="respond")
    if not form.is_valid():
        return _page(
            request, pk, bound={"respond": form}, error=ValidationError(_("Please correct the marked fields."))
        )
    try:
        services.coordination_respond(actor=request.user, coordination=coordination, **form.cleaned_data)
    except DomainError as error:
        for field, problems in error.fields.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return _page(request, pk, bound={"respond": form}, error=error)
    messages.success(request, _("Your answer is recorded."))
    return redirect("relations:coordination_detail", pk=pk)


@require_POST
def coordination_arbitrate(request: HttpRequest, pk: int) -> HttpResponse:
    coordination = selectors.coordination_get(user=request.user, pk=pk)
    form = ArbitrateForm(request.POST, prefix="arbitrate")
    if not form.is_valid():
        return _page(
            request, pk, bound={"arbitrate": form}, error=ValidationError(_("Please correct the marked fields."))
        )
    try:
        services.coordination_arbitrate(actor=request.user, coordination=coordination, **form.cleaned_data)
    except DomainError as error:
        for field, problems in error.fields.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return _page(request, pk, bound={"arbitrate": form}, error=error)
    messages.success(request, _("The ruling is recorded and the matter settled."))
    return redirect("relations:coordination_detail", pk=pk)


def _step(request: HttpRequest, pk: int, *, name: str, form_class: type, take: Any, done: str) -> HttpResponse:
    """A POSTed form: the step through the service, or the page again with the form's errors."""
    coordination = selectors.coordination_get(user=request.user, pk=pk)
    form = form_class(request.POST, prefix=name)
    if name == "meeting":
        # The rule before the form: its choices are the meetings this person sees, so someone who
        # may not link one would otherwise be told only that their choice is invalid.
        if not services.may_link_meeting(request.user, coordination):
            raise PermissionDenied(_("Only the office or the person who raised the matter links its meeting."))
        form.fields["meeting"].queryset = _linkable_meetings(request)
    if not form.is_valid():
        return _page(request, pk, bound={name: form}, error=ValidationError(_("Please correct the marked fields.")))
    try:
        take(coordination, form.cleaned_data)
    except DomainError as error:
        for field, problems in error.fields.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return _page(request, pk, bound={name: form}, error=error)
    messages.success(request, done)
    return redirect("relations:coordination_detail", pk=pk)


@require_POST
def coordination_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        name="dispute",
        form_class=DisputeForm,
        take=lambda c, data: services.coordination_dispute(actor=request.user, coordination=c, **data),
        done=_("Your dispute is recorded; the matter went to the office."),
    )


@require_POST
def coordination_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        name="escalate",
        form_class=EscalateForm,
        take=lambda c, data: services.coordination_escalate_to_leader(actor=request.user, coordination=c, **data),
        done=_("The matter went to the leader for a ruling."),
    )


@require_POST
def coordination_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        name="meeting",
        form_class=MeetingLinkForm,
        take=lambda c, data: services.coordination_link_meeting(actor=request.user, coordination=c, **data),
        done=_("The coordination meeting is linked."),
    )
