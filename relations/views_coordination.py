"""Pages of coordination matters (协调事项): the list, a matter with its parties, and the forms to
answer (a party department's head) and to rule (the office). Refusals come back as the service's
error on the page with its status (core.middleware); what a person may not see is a 404."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, ValidationError

from . import selectors
from . import services_coordination as services
from .forms_coordination import ArbitrateForm, RespondForm

PAGE_SIZE = 50


@require_GET
def coordination_list(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.coordination_list(user=request.user)[:PAGE_SIZE])
    return render(request, "relations/coordination_list.html", {"coordinations": rows})


def _page(request: HttpRequest, pk: int, *, bound: dict[str, Any] | None = None, error: DomainError | None = None):
    coordination = selectors.coordination_get(user=request.user, pk=pk)
    actions = services.coordination_actions(user=request.user, coordination=coordination)
    forms = bound or {}
    answerable = actions["answerable"]
    respond = forms.get("respond") or RespondForm(prefix="respond")
    respond.fields["department"].queryset = respond.fields["department"].queryset.filter(
        pk__in=[p.department_id for p in answerable]
    )
    arbitrate = forms.get("arbitrate") or ArbitrateForm(prefix="arbitrate")
    context = {
        "coordination": coordination,
        "parties": list(coordination.parties.all()),
        "respond_form": respond if answerable else None,
        "arbitrate_form": arbitrate if actions["may_rule"] else None,
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
