"""Pages of affairs: matters (交办/督办), receptions (接待) and work plans (工作计划/预案).

Every action POSTs, calls its service and redirects (PRG). A refusal re-renders the page with the
service's message at the top, the form's fields marked and the refusal's status (400/403/409/413);
the services are atomic, so nothing is half-saved. What a person may not see is a 404.
"""

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import is_office_member
from core import calendar
from core.attachments import attachment_response
from core.errors import DomainError, PermissionDenied, ValidationError
from core.filters import parse_id
from workload.targets import target_ref

from . import selectors, services
from .filters import MatterFilter, ReceptionFilter, WorkPlanFilter
from .forms import (
    ArrangedForm,
    ArrangementAddForm,
    ArrangementFormSet,
    CancelForm,
    CompleteForm,
    ConfirmForm,
    MatterForm,
    PlanForm,
    PlanItemForm,
    ProgressForm,
    ReceptionForm,
    ReceptionStatusForm,
    ToMatterForm,
    TransferForm,
)
from .models import Matter, ReceptionStatus, WorkPlan

MATTER_PAGE_SIZE = 25
PAGE_SIZE = 25
# The quick deadline buttons of the new-matter form: "in N working days".
QUICK_DEADLINES = (3, 5, 10, 20)

T = TypeVar("T")


def _check_the_form() -> ValidationError:
    return ValidationError(_("Please correct the marked fields."))


def _attempt(form: forms.Form | None, call: Callable[[], T]) -> tuple[T | None, DomainError | None]:
    """Run a service call; on refusal, mark the form's fields the service named and return the error."""
    try:
        return call(), None
    except DomainError as error:
        if form is not None:
            for field, problems in error.fields.items():
                name = "files" if field == "file" else field
                if name in form.fields:
                    for problem in problems:
                        form.add_error(name, problem)
        return None, error


def _status(error: DomainError | None) -> int:
    return error.status_code if error is not None else 200


# --- Matters ----------------------------------------------------------------------------------


MATTER_ROW_FIELDS = (
    *("id", "title", "priority", "status", "due_at", "due_on", "percent", "lead", "assigner", "department"),
    *(f"{who}__{name}" for who in ("lead", "assigner") for name in ("name", "first_name", "last_name", "username")),
    "department__name",
)


@require_GET
def matter_list(request: HttpRequest) -> HttpResponse:
    """Matters the person may see, newest first, filtered; keyset pages (``?after=<id>``), no COUNT."""
    filters = MatterFilter(request.GET, queryset=selectors.matter_list(user=request.user), request=request)
    form = filters.form
    form.is_valid()  # a bad filter is shown as the field's error; the valid ones still apply
    after = parse_id(request.GET.get("after"))
    # Only the columns the rows show (affairs/templatetags/matter_rows.py): a page builds 100 objects.
    listed = filters.qs.only(*MATTER_ROW_FIELDS)
    rows, next_after = selectors.keyset_page(listed, after=after, size=MATTER_PAGE_SIZE)
    kept = {k: v for k, v in request.GET.items() if k in form.fields and v}
    context = {
        "form": form,
        "matters": rows,
        "query": urlencode(kept),
        "next_query": urlencode({**kept, "after": next_after}) if next_after else None,
        "paged": after is not None,
        "filtered": bool(kept),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "affairs/_matter_list.html", context)
    else:
        response = render(request, "affairs/matter_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def matter_create(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = MatterForm(request.POST or None, initial={"due_on": calendar.add_working_days(today, 5)})
    error: DomainError | None = None
    if request.method == "POST":
        if form.is_valid():
            matter, error = _attempt(form, lambda: services.matter_create(actor=request.user, **form.cleaned_data))
            if matter is not None:
                messages.success(request, _("The matter is assigned to %(name)s.") % {"name": matter.lead.display_name})
                return redirect(matter)
        else:
            error = _check_the_form()
    quick = [(n, calendar.add_working_days(today, n)) for n in QUICK_DEADLINES]
    return render(
        request,
        "affairs/matter_form.html",
        {"form": form, "refusal": error, "quick_deadlines": quick},
        status=_status(error),
    )


def _visible_matter(request: HttpRequest, pk: int) -> Matter:
    """The matter row for an action (404 when not visible); the service locks and re-checks it."""
    matter = selectors.matters_visible(user=request.user).filter(pk=pk).first()
    if matter is None:
        raise Http404
    return matter


def _matter_page(
    request: HttpRequest, pk: int, *, bound: dict[str, forms.Form] | None = None, error: DomainError | None = None
) -> HttpResponse:
    matter = selectors.matter_get(user=request.user, pk=pk)
    actions = services.matter_actions(user=request.user, matter=matter)
    bound = bound or {}

    def form(action: str, name: str, form_class: type[forms.Form]) -> forms.Form | None:
        if action not in actions:
            return None
        return bound.get(name) or form_class(prefix=name)

    context = {
        "matter": matter,
        "assistants": matter.assistants.all(),
        "events": matter.events.all(),
        "actions": actions,
        "source_url": target_ref(matter.source_type_id, matter.source_id)["url"]
        if matter.source_type_id and matter.source_id
        else None,
        "progress_form": form("report_progress", "progress", ProgressForm),
        "transfer_form": form("transfer", "transfer", TransferForm),
        "complete_form": form("complete", "complete", CompleteForm),
        "confirm_form": form("confirm", "confirm", ConfirmForm),
        "cancel_form": form("cancel", "cancel", CancelForm),
        "refusal": error,
    }
    return render(request, "affairs/matter_detail.html", context, status=_status(error))


@require_GET
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _matter_page(request, pk)


def _matter_action(
    request: HttpRequest,
    pk: int,
    *,
    name: str,
    form_class: type[forms.Form],
    call: Callable[[Matter, dict[str, Any]], str],
) -> HttpResponse:
    """Shared PRG handling of the matter page's action forms; ``call`` returns the success message."""
    matter = _visible_matter(request, pk)
    form = form_class(request.POST, request.FILES, prefix=name)
    if not form.is_valid():
        return _matter_page(request, pk, bound={name: form}, error=_check_the_form())
    message, error = _attempt(form, lambda: call(matter, form.cleaned_data))
    if error is not None or message is None:
        return _matter_page(request, pk, bound={name: form}, error=error)
    messages.success(request, message)
    return redirect(matter)


@require_POST
def matter_progress(request: HttpRequest, pk: int) -> HttpResponse:
    def call(matter: Matter, data: dict[str, Any]) -> str:
        services.matter_report_progress(
            actor=request.user, matter=matter, text=data["text"], percent=data["percent"], files=data["files"]
        )
        return _("Progress reported.")

    return _matter_action(request, pk, name="progress", form_class=ProgressForm, call=call)


@require_POST
def matter_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    def call(matter: Matter, data: dict[str, Any]) -> str:
        services.matter_transfer(actor=request.user, matter=matter, to=data["to"], reason=data["reason"])
        return _("The matter is transferred to %(name)s.") % {"name": data["to"].display_name}

    return _matter_action(request, pk, name="transfer", form_class=TransferForm, call=call)


@require_POST
def matter_complete(request: HttpRequest, pk: int) -> HttpResponse:
    def call(matter: Matter, data: dict[str, Any]) -> str:
        done = services.matter_complete(actor=request.user, matter=matter, report=data["report"])
        return _("Reported complete; %(name)s is asked to confirm.") % {"name": done.assigner.display_name}

    return _matter_action(request, pk, name="complete", form_class=CompleteForm, call=call)


@require_POST
def matter_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    decision = request.POST.get("decision")
    if decision not in ConfirmForm.DECISIONS:  # a form sent without pressing either button decides nothing
        _visible_matter(request, pk)
        return _matter_page(request, pk, error=ValidationError(_("Choose to confirm or to send back.")))
    accept = decision == "confirm"

    def call(matter: Matter, data: dict[str, Any]) -> str:
        services.matter_confirm(actor=request.user, matter=matter, accept=accept, note=data["note"])
        return _("Confirmed as completed.") if accept else _("Sent back to the owners.")

    return _matter_action(request, pk, name="confirm", form_class=ConfirmForm, call=call)


@require_POST
def matter_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def call(matter: Matter, data: dict[str, Any]) -> str:
        services.matter_cancel(actor=request.user, matter=matter, reason=data["reason"])
        return _("The matter is cancelled.")

    return _matter_action(request, pk, name="cancel", form_class=CancelForm, call=call)


@require_GET
def matter_attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A progress report's file, for those who may see the matter (404 for anyone else)."""
    return attachment_response(selectors.matter_attachment_get(user=request.user, pk=pk), user=request.user)


# --- Receptions -------------------------------------------------------------------------------


@require_GET
def reception_list(request: HttpRequest) -> HttpResponse:
    filters = ReceptionFilter(request.GET, queryset=selectors.reception_list(user=request.user), request=request)
    form = filters.form
    receptions = filters.qs
    page = Paginator(receptions, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k in form.fields and v}
    context = {
        "form": form,
        "page": page,
        "receptions": page.object_list,
        "query": urlencode(kept),
        "may_organize": services.may_organize_receptions(request.user),
    }
    return render(request, "affairs/reception_list.html", context)


@require_http_methods(["GET", "POST"])
def reception_create(request: HttpRequest) -> HttpResponse:
    if not services.may_organize_receptions(request.user):
        raise PermissionDenied(_("Receptions are organized by the office, leaders and department heads."))
    form = ReceptionForm(request.POST or None)
    formset = ArrangementFormSet(request.POST or None, prefix="arrangements")
    error: DomainError | None = None
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            specs = [
                services.ArrangementSpec(kind=row["kind"], owner=row["owner"], description=row.get("description") or "")
                for row in formset.cleaned_data
                if row.get("kind") and row.get("owner")
            ]
            reception, error = _attempt(
                form,
                lambda: services.reception_create(
                    actor=request.user,
                    visiting_org=data["visiting_org"],
                    purpose=data["purpose"],
                    arrival=data["arrival"],
                    departure=data["departure"],
                    visitors=data["visitors"],
                    visitor_count=data["visitor_count"],
                    host_leader=data["host_leader"],
                    accompanying=list(data["accompanying"]),
                    budget=data["budget"],
                    notes=data["notes"],
                    arrangements=specs,
                ),
            )
            if reception is not None:
                messages.success(request, _("The reception is planned."))
                return redirect(reception)
        else:
            error = _check_the_form()
    return render(
        request,
        "affairs/reception_form.html",
        {"form": form, "formset": formset, "refusal": error},
        status=_status(error),
    )


def _reception_page(
    request: HttpRequest,
    pk: int,
    *,
    arrangement_form: forms.Form | None = None,
    error: DomainError | None = None,
    template: str = "affairs/reception_detail.html",
) -> HttpResponse:
    reception = selectors.reception_get(user=request.user, pk=pk)
    may_manage = services.may_manage_reception(request.user, reception)
    is_open = reception.status not in (ReceptionStatus.DONE, ReceptionStatus.CANCELLED)
    next_statuses = [
        ReceptionStatus(status)
        for status, allowed_from in services.RECEPTION_TRANSITIONS.items()
        if reception.status in allowed_from
    ]
    context = {
        "reception": reception,
        "visitors": reception.visitors.all(),
        "accompanying": reception.accompanying.all(),
        "arrangements": reception.arrangements.all(),
        "may_manage": may_manage,
        "next_statuses": next_statuses if may_manage else [],
        "arrangement_form": (arrangement_form or ArrangementAddForm(prefix="arrangement"))
        if may_manage and is_open
        else None,
        "office": is_office_member(request.user),
        "refusal": error,
    }
    return render(request, template, context, status=_status(error))


@require_GET
def reception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _reception_page(request, pk)


@require_GET
def reception_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The reception plan (接待方案) laid out for paper."""
    return _reception_page(request, pk, template="affairs/reception_print.html")


@require_POST
def reception_status(request: HttpRequest, pk: int) -> HttpResponse:
    reception = selectors.reception_get(user=request.user, pk=pk)
    form = ReceptionStatusForm(request.POST)
    if not form.is_valid():
        return _reception_page(request, pk, error=ValidationError(_("Unknown status.")))
    status = form.cleaned_data["status"]
    _done, error = _attempt(
        None, lambda: services.reception_set_status(actor=request.user, reception=reception, status=status)
    )
    if error is not None:
        return _reception_page(request, pk, error=error)
    messages.success(request, _("The reception is now %(status)s.") % {"status": ReceptionStatus(status).label})
    return redirect(reception)


@require_POST
def arrangement_add(request: HttpRequest, pk: int) -> HttpResponse:
    reception = selectors.reception_get(user=request.user, pk=pk)
    form = ArrangementAddForm(request.POST, prefix="arrangement")
    if not form.is_valid():
        return _reception_page(request, pk, arrangement_form=form, error=_check_the_form())
    data = form.cleaned_data
    arrangement, error = _attempt(
        form,
        lambda: services.arrangement_add(
            actor=request.user,
            reception=reception,
            kind=data["kind"],
            owner=data["owner"],
            description=data.get("description") or "",
        ),
    )
    if arrangement is None:
        return _reception_page(request, pk, arrangement_form=form, error=error)
    messages.success(
        request,
        _("%(kind)s added; %(name)s is asked to arrange it.")
        % {"kind": arrangement.get_kind_display(), "name": arrangement.owner.display_name},
    )
    return redirect(_arrangement_url(arrangement.reception_id, arrangement.pk))


def _arrangement_url(reception_id: int, pk: int) -> str:
    return reverse("affairs:reception_detail", args=[reception_id]) + f"#arrangement-{pk}"


@require_GET
def arrangement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An arrangement lives on its reception's page (the ledger links here)."""
    arrangement = selectors.arrangement_get(user=request.user, pk=pk)
    return redirect(_arrangement_url(arrangement.reception_id, pk))


@require_POST
def arrangement_arranged(request: HttpRequest, pk: int) -> HttpResponse:
    arrangement = selectors.arrangement_get(user=request.user, pk=pk)
    form = ArrangedForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    _done, error = _attempt(
        None, lambda: services.arrangement_mark_arranged(actor=request.user, arrangement=arrangement, note=note)
    )
    if error is not None:
        return _reception_page(request, arrangement.reception_id, error=error)
    messages.success(request, _("Marked as arranged."))
    return redirect(_arrangement_url(arrangement.reception_id, arrangement.pk))


# --- Work plans -------------------------------------------------------------------------------


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    filters = WorkPlanFilter(request.GET, queryset=selectors.plan_list(user=request.user), request=request)
    form = filters.form
    plans = filters.qs
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    plannable = services.plannable_department_ids(request.user)
    context = {
        "form": form,
        "page": page,
        "plans": page.object_list,
        "query": urlencode({k: v for k, v in request.GET.items() if k in form.fields and v}),
        "may_plan": plannable is None or bool(plannable),
    }
    return render(request, "affairs/plan_list.html", context)


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    plannable = services.plannable_department_ids(request.user)
    if plannable is not None and not plannable:
        raise PermissionDenied(_("Plans are made by the department's head, the office or leaders."))
    initial: dict[str, Any] = {"period_start": timezone.localdate().replace(day=1)}
    if plannable:
        initial["department"] = plannable[0]
    form = PlanForm(request.POST or None, initial=initial, department_ids=plannable)
    error: DomainError | None = None
    if request.method == "POST":
        if form.is_valid():
            plan, error = _attempt(form, lambda: services.plan_create(actor=request.user, **form.cleaned_data))
            if plan is not None:
                messages.success(request, _("The plan is created; add its items."))
                return redirect(plan)
        else:
            error = _check_the_form()
    return render(request, "affairs/plan_form.html", {"form": form, "refusal": error}, status=_status(error))


def _plan_page(
    request: HttpRequest, pk: int, *, item_form: forms.Form | None = None, error: DomainError | None = None
) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    may_plan = services.may_plan_for(request.user, plan.department)
    context = {
        "plan": plan,
        "items": plan.items.all(),
        "may_plan": may_plan,
        "item_form": (item_form or PlanItemForm(prefix="item")) if may_plan else None,
        "refusal": error,
    }
    return render(request, "affairs/plan_detail.html", context, status=_status(error))


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, pk)


def _visible_plan(request: HttpRequest, pk: int) -> WorkPlan:
    plan = selectors.plans_visible(user=request.user).select_related("department").filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


@require_POST
def plan_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _visible_plan(request, pk)
    form = PlanItemForm(request.POST, prefix="item")
    if not form.is_valid():
        return _plan_page(request, pk, item_form=form, error=_check_the_form())
    item, error = _attempt(form, lambda: services.plan_item_add(actor=request.user, plan=plan, **form.cleaned_data))
    if item is None:
        return _plan_page(request, pk, item_form=form, error=error)
    messages.success(request, _("Item added: %(title)s.") % {"title": item.title})
    return redirect(plan)


@require_POST
def plan_item_to_matter(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a plan item into a supervised matter in one click; the plan then shows its progress."""
    item = selectors.plan_item_get(user=request.user, pk=pk)
    form = ToMatterForm(request.POST)
    due_on = form.cleaned_data.get("due_on") if form.is_valid() else None
    matter, error = _attempt(None, lambda: services.plan_item_to_matter(actor=request.user, item=item, due_on=due_on))
    if matter is None:
        return _plan_page(request, item.plan_id, error=error)
    messages.success(
        request,
        _("%(title)s is now a matter led by %(name)s.") % {"title": matter.title, "name": matter.lead.display_name},
    )
    return redirect(reverse("affairs:plan_detail", args=[item.plan_id]) + f"#item-{item.pk}")
