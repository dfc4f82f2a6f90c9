"""Pages of public feedback (群众意见) under /relations/feedback/: the register (登记簿) with its
filters and CSV/XLSX exports, the registration form, a piece of feedback with its actions; and the
public submission page (/public/feedback/), off unless ``FEEDBACK_PUBLIC_ENABLED``.

Refusals come back as the service's error on the page with its status; what a person may not see is
a 404 (the selector). Every action POSTs, calls its service and redirects.
"""

import csv
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import is_office_member
from core.errors import DomainError, PermissionDenied, RateLimited, ValidationError
from core.exports import XLSX_CONTENT_TYPE, attachment_response, safe_cell, xlsx_bytes
from core.filters import parse_id
from core.middleware import client_address
from documents.selectors_incoming import keyset_page

from . import feedback as services
from .feedback_forms import (
    CloseForm,
    FeedbackFilter,
    FeedbackRegisterForm,
    PublicFeedbackForm,
    ReplyForm,
    RouteForm,
    SendBackForm,
    new_challenge,
)
from .feedback_models import Feedback

PAGE_SIZE = 50
# An export is the filtered register; beyond this many rows, narrow the filters.
MAX_EXPORT_ROWS = 10000


def _attempt(form: forms.Form, call: Callable[[], Any]) -> tuple[Any, DomainError | None]:
    """Run a service call; on refusal, mark the form's fields the service named and return the error."""
    try:
        return call(), None
    except DomainError as error:
        for field, problems in error.fields.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return None, error


def _check_the_form() -> ValidationError:
    return ValidationError(_("Please correct the marked fields."))


# --- The register (登记簿) ---------------------------------------------------------------------------


def _filtered(request: HttpRequest) -> FeedbackFilter:
    filters = FeedbackFilter(request.GET, queryset=services.feedback_register(user=request.user), request=request)
    filters.form.is_valid()  # a bad filter is shown as the field's error; the valid ones still apply
    return filters


@require_GET
def feedback_list(request: HttpRequest) -> HttpResponse:
    """Visible feedback, newest first, filtered; keyset pages (``?after=<id>``)."""
    filters = _filtered(request)
    form = filters.form
    rows, next_after = keyset_page(filters.qs, after=parse_id(request.GET.get("after")), size=PAGE_SIZE)
    today = timezone.localdate()
    kept = {k: v for k, v in request.GET.items() if k in form.fields and v}
    context = {
        "form": form,
        "rows": [(row, services.is_overdue(row, today)) for row in rows],
        "query": urlencode(kept),
        "next_query": urlencode({**kept, "after": next_after}) if next_after else None,
        "paged": "after" in request.GET,
        "filtered": bool(kept),
        "office": is_office_member(request.user),
    }
    return render(request, "relations/feedback/list.html", context)


def _export_rows(request: HttpRequest) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("Reference number"),
        _("Received on"),
        _("Channel"),
        _("Category"),
        _("Subject"),
        _("Submitter"),
        _("Phone"),
        _("Address"),
        _("Status"),
        _("Department"),
        _("Handler"),
        _("Acknowledge by"),
        _("Reply due on"),
        _("Reply"),
        _("Satisfaction"),
        _("Closed at"),
    ]
    rows: QuerySet[Feedback] = _filtered(request).qs[:MAX_EXPORT_ROWS]
    data = []
    for row in rows:
        personal = services.shows_submitter(request.user, row) and not row.anonymous
        data.append(
            [
                row.number,
                row.received_on,
                row.get_channel_display(),
                row.get_category_display(),
                row.subject,
                (row.submitter_name if personal else "") if not row.anonymous else _("Anonymous"),
                row.submitter_phone if personal else "",
                row.submitter_address if personal else "",
                row.get_status_display(),
                row.department.name if row.department else "",
                row.handler.display_name if row.handler else "",
                row.acknowledge_by,
                row.due_on,
                row.reply,
                row.get_satisfaction_display() if row.closed_at else "",
                timezone.localtime(row.closed_at) if row.closed_at else None,
            ]
        )
    return headers, data


def _filename(extension: str) -> str:
    return _("feedback-register-%(date)s.%(ext)s") % {"date": timezone.localdate().isoformat(), "ext": extension}


@require_GET
def feedback_export_xlsx(request: HttpRequest) -> HttpResponse:
    """The filtered, visible register as XLSX (a bad filter is ignored, as on the page)."""
    headers, data = _export_rows(request)
    return attachment_response(xlsx_bytes(_("Public feedback"), headers, data), _filename("xlsx"), XLSX_CONTENT_TYPE)


@require_GET
def feedback_export_csv(request: HttpRequest) -> HttpResponse:
    """The same as CSV, UTF-8 with a byte-order mark (so that spreadsheet programs read the Chinese)."""
    headers, data = _export_rows(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for values in data:
        writer.writerow(["" if v is None else safe_cell(v) for v in values])
    return attachment_response(buffer.getvalue().encode("utf-8-sig"), _filename("csv"), "text/csv; charset=utf-8")


@require_http_methods(["GET", "POST"])
def feedback_create(request: HttpRequest) -> HttpResponse:
    if not is_office_member(request.user):
        raise PermissionDenied(_("Public feedback is registered by the office."))
    form = FeedbackRegisterForm(request.POST or None, initial={"received_on": timezone.localdate()})
    error: DomainError | None = None
    if request.method == "POST":
        if form.is_valid():
            feedback, error = _attempt(
                form, lambda: services.feedback_register_entry(actor=request.user, **form.cleaned_data)
            )
            if feedback is not None:
                messages.success(request, _("Registered as %(number)s.") % {"number": feedback.number})
                return redirect(feedback)
        else:
            error = _check_the_form()
    status = error.status_code if error is not None else 200
    return render(request, "relations/feedback/form.html", {"form": form, "refusal": error}, status=status)


# --- One piece of feedback ---------------------------------------------------------------------------

_FORMS: dict[str, type[forms.Form]] = {
    "route": RouteForm,
    "reply": ReplyForm,
    "close": CloseForm,
    "send_back": SendBackForm,
}


def _page(
    request: HttpRequest, pk: int, *, bound: dict[str, forms.Form] | None = None, error: DomainError | None = None
) -> HttpResponse:
    feedback = services.feedback_get(user=request.user, pk=pk)
    actions = services.feedback_actions(user=request.user, feedback=feedback)
    bound = bound or {}
    action_forms = {
        name: bound.get(name) or form_class(prefix=name) for name, form_class in _FORMS.items() if actions[name]
    }
    context = {
        "feedback": feedback,
        "personal": services.shows_submitter(request.user, feedback),
        "overdue": services.is_overdue(feedback),
        "forms": action_forms,
        "refusal": error,
    }
    status = error.status_code if error is not None else 200
    return render(request, "relations/feedback/detail.html", context, status=status)


@require_GET
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk)


def _act(request: HttpRequest, pk: int, name: str, call: Callable[[Feedback, dict[str, Any]], Any], done: str):
    feedback = services.feedback_get(user=request.user, pk=pk)
    form = _FORMS[name](request.POST, prefix=name)
    if not form.is_valid():
        return _page(request, pk, bound={name: form}, error=_check_the_form())
    _result, error = _attempt(form, lambda: call(feedback, form.cleaned_data))
    if error is not None:
        return _page(request, pk, bound={name: form}, error=error)
    messages.success(request, done)
    return redirect("relations:feedback_detail", pk=pk)


@require_POST
def feedback_route(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "route",
        lambda f, data: services.feedback_route(actor=request.user, feedback=f, **data),
        _("The feedback is routed."),
    )


@require_POST
def feedback_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "reply",
        lambda f, data: services.feedback_reply(actor=request.user, feedback=f, **data),
        _("Your reply is recorded."),
    )


@require_POST
def feedback_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "close",
        lambda f, data: services.feedback_close(actor=request.user, feedback=f, **data),
        _("The feedback is closed."),
    )


@require_POST
def feedback_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "send_back",
        lambda f, data: services.feedback_send_back(actor=request.user, feedback=f, **data),
        _("The reply is sent back to the handler."),
    )


# --- The public page ---------------------------------------------------------------------------------


def _rate_limit(request: HttpRequest) -> None:
    """At most FEEDBACK_PUBLIC_RATE_LIMIT submissions per client address per window (Django's cache)."""
    key = f"feedback-rate:{client_address(request) or 'unknown'}"
    window = settings.FEEDBACK_PUBLIC_RATE_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    if count > settings.FEEDBACK_PUBLIC_RATE_LIMIT:
        raise RateLimited(_("Too many submissions from your address; try again later."))


@login_not_required
@require_http_methods(["GET", "POST"])
def public_feedback(request: HttpRequest) -> HttpResponse:
    """Anyone may submit feedback, when the office has opened the page: a simple challenge, a rate
    limit per address; the answer is the reference number."""
    if not settings.FEEDBACK_PUBLIC_ENABLED:
        raise Http404
    status = 200
    if request.method == "POST":
        _rate_limit(request)
        form = PublicFeedbackForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("answer", "token")}
            feedback, error = _attempt(form, lambda: services.feedback_submit_public(**data))
            if feedback is not None:
                return render(request, "relations/feedback/public_done.html", {"number": feedback.number})
            status = error.status_code if error is not None else 400
        else:
            status = 400
        question, token = new_challenge()
        # A fresh question each time: the old answer does not carry over.
        form.data = form.data.copy()
        form.data["token"], form.data["answer"] = token, ""
    else:
        question, token = new_challenge()
        form = PublicFeedbackForm(initial={"token": token})
    return render(request, "relations/feedback/public.html", {"form": form, "question": question}, status=status)
