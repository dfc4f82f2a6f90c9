"""Pages of documents: incoming documents (收文) — the register, registration, the incoming page with
its timeline and the forms of whoever may act — and the reading page (圈阅).

Every action POSTs, calls its service and redirects (PRG). A refusal re-renders the page with the
service's message and the refusal's status; what a person may not see is a 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import is_office_member
from core.attachments import attachment_response
from core.errors import DomainError, PermissionDenied, ValidationError
from core.filters import parse_id

from .. import selectors_incoming as selectors
from ..exports_incoming import incoming_register_xlsx
from ..filters_incoming import IncomingFilter
from ..forms_incoming import (
    ArchiveForm,
    CirculateForm,
    CloseForm,
    InstructForm,
    MarkReadForm,
    ProposeForm,
    RegisterForm,
    ReviewForm,
)
from ..models import IncomingDocument, Reading
from ..services import incoming as services

PAGE_SIZE = 25


def attempt(form: forms.Form | None, call: Callable[[], Any]) -> tuple[Any, DomainError | None]:
    """Run a service call; on refusal, mark the form's fields the service named and return the error."""
    try:
        return call(), None
    except DomainError as error:
        if form is not None:
            for field, problems in error.fields.items():
                if field in form.fields:
                    for problem in problems:
                        form.add_error(field, problem)
        return None, error


def status_of(error: DomainError | None) -> int:
    return error.status_code if error is not None else 200


def check_the_form() -> ValidationError:
    return ValidationError(_("Please correct the marked fields."))


# --- The register (收文登记簿) -----------------------------------------------------------------------


@require_GET
def incoming_list(request: HttpRequest) -> HttpResponse:
    """Visible incoming documents, newest first, filtered; keyset pages (``?after=<id>``)."""
    filters = IncomingFilter(request.GET, queryset=selectors.incoming_register(user=request.user), request=request)
    form = filters.form
    form.is_valid()  # a bad filter is shown as the field's error; the valid ones still apply
    rows, next_after = selectors.keyset_page(filters.qs, after=parse_id(request.GET.get("after")), size=PAGE_SIZE)
    kept = {k: v for k, v in request.GET.items() if k in form.fields and v}
    context = {
        "form": form,
        "rows": rows,
        "query": urlencode(kept),
        "next_query": urlencode({**kept, "after": next_after}) if next_after else None,
        "paged": "after" in request.GET,
        "filtered": bool(kept),
        "office": is_office_member(request.user),
    }
    return render(request, "documents/incoming_list.html", context)


@require_GET
def incoming_export(request: HttpRequest) -> HttpResponse:
    """The filtered register as XLSX (a bad filter is ignored, as on the page)."""
    filters = IncomingFilter(request.GET, queryset=selectors.incoming_register(user=request.user), request=request)
    filters.form.is_valid()
    return incoming_register_xlsx(filters.qs)


@require_http_methods(["GET", "POST"])
def incoming_create(request: HttpRequest) -> HttpResponse:
    if not is_office_member(request.user):
        raise PermissionDenied(_("Incoming documents are registered by the office."))
    form = RegisterForm(request.POST or None, request.FILES or None, initial={"received_on": timezone.localdate()})
    error: DomainError | None = None
    if request.method == "POST":
        if form.is_valid():
            incoming, error = attempt(form, lambda: services.incoming_register(actor=request.user, **form.cleaned_data))
            if incoming is not None:
                messages.success(request, _("Registered as %(serial)s.") % {"serial": incoming.serial})
                return redirect(incoming)
        else:
            error = check_the_form()
    return render(request, "documents/incoming_form.html", {"form": form, "refusal": error}, status=status_of(error))


# --- The incoming page --------------------------------------------------------------------------


@dataclass
class Step:
    """One line of the timeline."""

    key: str
    at: datetime | None
    label: str
    who: Any = None
    text: str = ""
    extra: Any = None


def timeline(incoming: IncomingDocument, matter: Any) -> list[Step]:
    steps = [Step("registered", incoming.registered_at, _("Registered"), incoming.registered_by, incoming.serial)]
    if incoming.review_passed is not None:
        label = (
            _("Passed the preliminary review") if incoming.review_passed else _("Returned at the preliminary review")
        )
        steps.append(Step("reviewed", incoming.reviewed_at, label, incoming.reviewed_by, incoming.review_note))
    if incoming.proposed_at:
        steps.append(
            Step(
                "proposed",
                incoming.proposed_at,
                _("Handling proposed"),
                incoming.proposed_by,
                incoming.proposal,
                incoming.leader,
            )
        )
    if incoming.instructed_at:
        steps.append(
            Step("instructed", incoming.instructed_at, _("Instructed"), incoming.leader, incoming.instruction, matter)
        )
    for reading in incoming.readings.all():
        steps.append(Step("sent", reading.created_at, _("Sent for reading"), reading.sent_by, "", reading))
        if reading.read_at:
            steps.append(Step("read", reading.read_at, _("Read (圈阅)"), reading.reader, reading.remark, reading))
    if incoming.closed_at and incoming.review_passed is not False:
        steps.append(Step("closed", incoming.closed_at, _("Completed"), None, incoming.reply))
    if incoming.archived_at:
        steps.append(Step("archived", incoming.archived_at, _("Archived")))
    return sorted(steps, key=lambda step: step.at or timezone.now())


FORMS: dict[str, tuple[str, type[forms.Form]]] = {
    "review": ("review", ReviewForm),
    "propose": ("propose", ProposeForm),
    "instruct": ("instruct", InstructForm),
    "circulate": ("circulate", CirculateForm),
    "close": ("close", CloseForm),
    "archive": ("archive", ArchiveForm),
}


def _incoming_page(
    request: HttpRequest, pk: int, *, bound: dict[str, forms.Form] | None = None, error: DomainError | None = None
) -> HttpResponse:
    incoming = selectors.incoming_page(user=request.user, pk=pk)
    matter = selectors.matter_seen(user=request.user, matter_id=incoming.matter_id)
    actions = services.incoming_actions(user=request.user, incoming=incoming, matter_status=_matter_status(incoming))
    bound = bound or {}
    action_forms = {
        name: bound.get(name) or form_class(prefix=prefix)
        for name, (prefix, form_class) in FORMS.items()
        if name in actions
    }
    if "instruct" in action_forms and "instruct" not in bound:
        action_forms["instruct"].initial = {"due_on": incoming.due_on}
    readings = list(incoming.readings.all())
    context = {
        "incoming": incoming,
        "matter": matter,
        "assistants": selectors.matter_assistants(matter_id=incoming.matter_id) if incoming.matter_id else [],
        "files": selectors.attachments_of(incoming),
        "readings": readings,
        "my_readings": [r for r in readings if r.reader_id == request.user.pk and r.status == "pending"],
        "steps": timeline(incoming, matter),
        "forms": action_forms,
        "actions": actions,
        "refusal": error,
    }
    return render(request, "documents/incoming_detail.html", context, status=status_of(error))


def _matter_status(incoming: IncomingDocument) -> str | None:
    # The matter row came with the page's query (select_related); only its status is read here.
    return str(incoming.matter.status) if incoming.matter_id and incoming.matter else None


@require_GET
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _incoming_page(request, pk)


def _incoming_action(
    request: HttpRequest, pk: int, *, name: str, call: Callable[[IncomingDocument, dict[str, Any]], str]
) -> HttpResponse:
    incoming = selectors.incoming_row(user=request.user, pk=pk)
    prefix, form_class = FORMS[name]
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        return _incoming_page(request, pk, bound={name: form}, error=check_the_form())
    message, error = attempt(form, lambda: call(incoming, form.cleaned_data))
    if error is not None:
        return _incoming_page(request, pk, bound={name: form}, error=error)
    messages.success(request, message)
    return redirect(incoming)


@require_POST
def incoming_review(request: HttpRequest, pk: int) -> HttpResponse:
    decision = request.POST.get("decision")
    if decision not in ReviewForm.DECISIONS:
        selectors.incoming_row(user=request.user, pk=pk)
        return _incoming_page(request, pk, error=ValidationError(_("Choose to pass or to return the document.")))

    def call(incoming: IncomingDocument, data: dict[str, Any]) -> str:
        passed = decision == "pass"
        services.incoming_review(incoming=incoming, actor=request.user, passed=passed, note=data["note"])
        return _("The review is recorded.") if passed else _("The document is returned to its sender.")

    return _incoming_action(request, pk, name="review", call=call)


@require_POST
def incoming_propose(request: HttpRequest, pk: int) -> HttpResponse:
    def call(incoming: IncomingDocument, data: dict[str, Any]) -> str:
        services.incoming_propose(incoming=incoming, actor=request.user, **data)
        return _("%(name)s is asked to instruct.") % {"name": data["leader"].display_name}

    return _incoming_action(request, pk, name="propose", call=call)


@require_POST
def incoming_instruct(request: HttpRequest, pk: int) -> HttpResponse:
    def call(incoming: IncomingDocument, data: dict[str, Any]) -> str:
        services.incoming_instruct(
            incoming=incoming,
            actor=request.user,
            instruction=data["instruction"],
            lead_department=data["lead_department"],
            assisting_departments=list(data["assisting_departments"]),
            due_on=data["due_on"],
        )
        return _("Instructed; %(department)s leads the work.") % {"department": data["lead_department"].name}

    return _incoming_action(request, pk, name="instruct", call=call)


@require_POST
def incoming_circulate(request: HttpRequest, pk: int) -> HttpResponse:
    def call(incoming: IncomingDocument, data: dict[str, Any]) -> str:
        sent = services.incoming_circulate(incoming=incoming, actor=request.user, readers=list(data["readers"]))
        return _("Sent to %(n)d reader(s).") % {"n": len(sent)}

    return _incoming_action(request, pk, name="circulate", call=call)


@require_POST
def incoming_close(request: HttpRequest, pk: int) -> HttpResponse:
    def call(incoming: IncomingDocument, data: dict[str, Any]) -> str:
        services.incoming_close(incoming=incoming, actor=request.user, reply=data["reply"])
        return _("The incoming document is completed.")

    return _incoming_action(request, pk, name="close", call=call)


@require_POST
def incoming_archive(request: HttpRequest, pk: int) -> HttpResponse:
    def call(incoming: IncomingDocument, data: dict[str, Any]) -> str:
        services.incoming_archive(incoming=incoming, actor=request.user)
        return _("The incoming document is archived.")

    return _incoming_action(request, pk, name="archive", call=call)


@require_GET
def incoming_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A file of an incoming document, for those who may see the document (404 for anyone else)."""
    return attachment_response(selectors.attachment_of_incoming(user=request.user, pk=pk), user=request.user)


# --- The reading page (圈阅) ----------------------------------------------------------------------


def _reading_page(
    request: HttpRequest, pk: int, *, form: forms.Form | None = None, error: DomainError | None = None
) -> HttpResponse:
    reading = selectors.reading_page(user=request.user, pk=pk)
    mine = reading.reader_id == request.user.pk and reading.status == "pending"
    context = {
        "reading": reading,
        "incoming": reading.incoming,
        "form": (form or MarkReadForm(prefix="read")) if mine else None,
        "refusal": error,
    }
    return render(request, "documents/reading.html", context, status=status_of(error))


@require_GET
def reading(request: HttpRequest, pk: int) -> HttpResponse:
    return _reading_page(request, pk)


@require_POST
def reading_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    row: Reading = selectors.reading_page(user=request.user, pk=pk)
    form = MarkReadForm(request.POST, prefix="read")
    if not form.is_valid():
        return _reading_page(request, pk, form=form, error=check_the_form())
    _done, error = attempt(
        form, lambda: services.reading_mark_read(reading=row, actor=request.user, remark=form.cleaned_data["remark"])
    )
    if error is not None:
        return _reading_page(request, pk, form=form, error=error)
    messages.success(request, _("Marked as read."))
    return redirect(reverse("documents:incoming_detail", args=[row.incoming_id]))


urls: list[URLPattern] = [
    path("incoming/", incoming_list, name="incoming_list"),
    path("incoming/export/", incoming_export, name="incoming_export"),
    path("incoming/new/", incoming_create, name="incoming_create"),
    path("incoming/<int:pk>/", incoming_detail, name="incoming_detail"),
    path("incoming/<int:pk>/review/", incoming_review, name="incoming_review"),
    path("incoming/<int:pk>/propose/", incoming_propose, name="incoming_propose"),
    path("incoming/<int:pk>/instruct/", incoming_instruct, name="incoming_instruct"),
    path("incoming/<int:pk>/circulate/", incoming_circulate, name="incoming_circulate"),
    path("incoming/<int:pk>/close/", incoming_close, name="incoming_close"),
    path("incoming/<int:pk>/archive/", incoming_archive, name="incoming_archive"),
    path("incoming/files/<int:pk>/", incoming_file, name="incoming_file"),
    path("readings/<int:pk>/", reading, name="reading"),
    path("readings/<int:pk>/mark-read/", reading_mark_read, name="reading_mark_read"),
]
