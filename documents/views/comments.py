"""Pages of comment collection (征求意见): open a round, answer a request, handle the points, and the
意见汇总表 with its DOCX and XLSX downloads; ``detail_context`` feeds the document page's
``documents/_rounds.html``.

Every action POSTs, calls its service and redirects (PRG). A refusal re-renders the page with the
service's message and its status (400/403/409); what a person may not see is a 404.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Department, User
from accounts.widgets import PeopleMultiplePicker, PeoplePicker
from core.errors import DomainError, PermissionDenied, ValidationError

from .. import body as body_text
from .. import comment_selectors, selectors
from ..comment_exports import KINDS, opinion_summary_export
from ..models import (
    CommentRequest,
    Document,
    DocumentVersion,
    Handling,
    Opinion,
    RequestStatus,
    RoundStatus,
    Stance,
)
from ..services import comments as services

T = TypeVar("T")


def _people() -> Any:
    return User.objects.filter(is_active=True).only("id", "name", "username", "first_name", "last_name")


def _attempt(form: forms.Form | None, call: Callable[[], T]) -> tuple[T | None, DomainError | None]:
    """Run a service call; on refusal, mark the fields the service named and return the error."""
    try:
        return call(), None
    except DomainError as error:
        if form is not None:
            for name, problems in error.fields.items():
                if name in form.fields:
                    for problem in problems:
                        form.add_error(name, problem)
        return None, error


def _status(error: DomainError | None) -> int:
    return error.status_code if error is not None else 200


def _check_the_form() -> ValidationError:
    return ValidationError(_("Please correct the marked fields."))


# --- Forms ----------------------------------------------------------------------------------------


class RoundForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Reviewers"),
        queryset=_people(),
        widget=PeopleMultiplePicker,
        required=False,
        help_text=gettext_lazy("People asked for their views; each must be cleared for the document."),
    )
    departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Departments"),
        queryset=Department.objects.filter(is_active=True).only("id", "name").order_by("order", "id"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("A department is answered by its head, who may hand it to a colleague."),
    )
    due_at = forms.DateTimeField(
        label=gettext_lazy("Answers due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Leave empty for 7 working days."),
    )
    instructions = forms.CharField(
        label=gettext_lazy("Instructions"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RespondForm(forms.Form):
    stance = forms.ChoiceField(label=gettext_lazy("Your stance"), choices=Stance.choices, widget=forms.RadioSelect)


class DelegateForm(forms.Form):
    delegate = forms.ModelChoiceField(label=gettext_lazy("Hand the answer to"), queryset=_people(), widget=PeoplePicker)


class HandleForm(forms.Form):
    # Nothing chosen until the drafter decides: an unhandled point is never shown as "adopted".
    handling = forms.ChoiceField(label=gettext_lazy("Handling"), choices=[("", "—"), *Handling.choices])
    note = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required unless adopted."),
    )


@dataclass
class PointRow:
    """One opinion row of the answer form, as typed, with its problems."""

    text: str = ""
    quote: str = ""
    errors: list[str] = field(default_factory=list)


def _posted_points(request: HttpRequest) -> list[PointRow]:
    texts = request.POST.getlist("opinion_text")
    quotes = request.POST.getlist("opinion_quote")
    quotes += [""] * (len(texts) - len(quotes))
    return [PointRow(t.strip(), q.strip()) for t, q in zip(texts, quotes, strict=False) if t.strip() or q.strip()]


# --- Opening a round ------------------------------------------------------------------------------


def _document(request: HttpRequest, pk: int) -> Document:
    return selectors.document_get(user=request.user, pk=pk)


@require_http_methods(["GET", "POST"])
def comment_round_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The drafter asks people and departments for comments on the current version."""
    document = _document(request, pk)
    if document.drafter_id != request.user.pk:
        raise PermissionDenied(_("Only the drafter asks for comments on the draft."))
    error: DomainError | None = None
    form = RoundForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            round_, error = _attempt(
                form,
                lambda: services.comment_round_open(
                    document=document,
                    actor=request.user,
                    reviewers=list(data["reviewers"]),
                    departments=list(data["departments"]),
                    due_at=data["due_at"],
                    instructions=data["instructions"],
                ),
            )
            if round_ is not None:
                messages.success(request, _("Comments are asked for; the reviewers have it on their desks."))
                return redirect(document)
        else:
            error = _check_the_form()
    context = {
        "document": document,
        "form": form,
        "refusal": error,
        "default_due": services.default_due_at(),
    }
    return render(request, "documents/comment_round_form.html", context, status=_status(error))


@require_POST
def comment_round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.comment_round_get(user=request.user, pk=pk)
    _done, error = _attempt(None, lambda: services.comment_round_close(round=round_, actor=request.user))
    if error is not None:
        return _summary_page(request, round_.document_id, error=error)
    messages.success(request, _("The comment round is closed."))
    return redirect(reverse("documents:opinion_summary", args=[round_.document_id]))


# --- Answering a request --------------------------------------------------------------------------


def _request_page(
    request: HttpRequest,
    pk: int,
    *,
    respond_form: RespondForm | None = None,
    points: list[PointRow] | None = None,
    delegate_form: DelegateForm | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    found = selectors.comment_request_get(user=request.user, pk=pk)
    round_ = found.round
    document = round_.document
    version = DocumentVersion.objects.filter(document=document, number=round_.version).only("body").first()
    opinions = list(found.opinions.all())
    quotes = [o.quote for o in opinions if o.quote] + [p.quote for p in points or [] if p.quote]
    may_answer = (
        request.user.pk in {found.reviewer_id, found.delegate_id}
        and found.status == RequestStatus.PENDING
        and round_.status == RoundStatus.OPEN
    )
    may_delegate = may_answer and found.department_id is not None and request.user.pk == found.reviewer_id
    context = {
        "req": found,
        "round": round_,
        "document": document,
        "body": body_text.highlighted(version.body if version else "", quotes),
        "opinions": opinions,
        "may_answer": may_answer,
        "respond_form": (respond_form or RespondForm(prefix="respond")) if may_answer else None,
        "points": points or [PointRow()],
        "delegate_form": (delegate_form or DelegateForm(prefix="delegate")) if may_delegate else None,
        "newer_version": document.version != round_.version,
        "refusal": error,
    }
    return render(request, "documents/comment_request.html", context, status=_status(error))


@require_GET
def comment_request(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, pk)


@require_POST
def comment_request_respond(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.comment_request_get(user=request.user, pk=pk)
    form = RespondForm(request.POST, prefix="respond")
    points = _posted_points(request)
    if not form.is_valid():
        return _request_page(request, pk, respond_form=form, points=points, error=_check_the_form())
    payload = [{"text": p.text, "quote": p.quote} for p in points]
    answered, error = _attempt(
        form,
        lambda: services.comment_request_respond(
            request=found, actor=request.user, stance=form.cleaned_data["stance"], opinions=payload
        ),
    )
    if error is not None or answered is None:
        for key, problems in (error.fields if error else {}).items():
            parts = key.split(".")
            if parts[0] == "opinions" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(points):
                points[int(parts[1])].errors.extend(problems)
            elif key == "opinions":
                form.add_error(None, problems[0])
        return _request_page(request, pk, respond_form=form, points=points, error=error)
    messages.success(request, _("Thank you; your answer is recorded."))
    return redirect(reverse("documents:comment_request", args=[pk]))


@require_POST
def comment_request_delegate(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.comment_request_get(user=request.user, pk=pk)
    form = DelegateForm(request.POST, prefix="delegate")
    if not form.is_valid():
        return _request_page(request, pk, delegate_form=form, error=_check_the_form())
    delegate = form.cleaned_data["delegate"]
    _done, error = _attempt(
        form, lambda: services.comment_request_delegate(request=found, actor=request.user, delegate=delegate)
    )
    if error is not None:
        return _request_page(request, pk, delegate_form=form, error=error)
    messages.success(request, _("%(name)s now answers for the department.") % {"name": delegate.display_name})
    return redirect(reverse("documents:comment_request", args=[pk]))


# --- The 意见汇总表 and handling the points ---------------------------------------------------------


def _summary_page(
    request: HttpRequest,
    pk: int,
    *,
    bound: tuple[int, HandleForm] | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    document = selectors.document_get(user=request.user, pk=pk)
    summary = comment_selectors.opinion_summary(document=document)
    may_handle = document.drafter_id == request.user.pk and document.is_editable
    if may_handle:
        # Each point carries its own handling form (the bound one after a refusal).
        for round_ in summary.rounds:
            for req in round_.requests.all():
                for opinion in req.opinions.all():
                    if bound is not None and bound[0] == opinion.pk:
                        opinion.handle_form = bound[1]  # type: ignore[attr-defined]
                        continue
                    initial = {"handling": opinion.handling, "note": opinion.note}
                    opinion.handle_form = HandleForm(prefix=f"o{opinion.pk}", initial=initial)  # type: ignore[attr-defined]
    context = {
        "document": document,
        "summary": summary,
        "may_close": document.drafter_id == request.user.pk,
        "refusal": error,
    }
    return render(request, "documents/opinion_summary.html", context, status=_status(error))


@require_GET
def opinion_summary(request: HttpRequest, pk: int) -> HttpResponse:
    return _summary_page(request, pk)


@require_GET
def opinion_summary_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    document = selectors.document_get(user=request.user, pk=pk)
    return opinion_summary_export(document=document, kind=kind)


@require_POST
def opinion_handle(request: HttpRequest, pk: int) -> HttpResponse:
    opinion: Opinion = selectors.opinion_get(user=request.user, pk=pk)
    document_id = opinion.request.round.document_id
    form = HandleForm(request.POST, prefix=f"o{pk}")
    if not form.is_valid():
        return _summary_page(request, document_id, bound=(pk, form), error=_check_the_form())
    data = form.cleaned_data
    _done, error = _attempt(
        form,
        lambda: services.opinion_handle(
            opinion=opinion, actor=request.user, handling=data["handling"], note=data["note"]
        ),
    )
    if error is not None:
        return _summary_page(request, document_id, bound=(pk, form), error=error)
    messages.success(request, _("The handling is recorded."))
    return redirect(reverse("documents:opinion_summary", args=[document_id]) + f"#opinion-{pk}")


# --- The document page's part ---------------------------------------------------------------------


def detail_context(request: HttpRequest, document: Document) -> dict[str, Any]:
    """What ``documents/_rounds.html`` shows on the document page: rounds, requests and points with
    their handling, the unresolved 不同意 warning, and the drafter's next step."""
    summary = comment_selectors.opinion_summary(document=document)
    is_drafter = document.drafter_id == request.user.pk
    quotes = [
        opinion.quote
        for round_ in summary.rounds
        for req in round_.requests.all()
        for opinion in req.opinions.all()
        if opinion.quote
    ]
    return {
        # The body with the passages reviewers quoted marked (those still in the current text).
        "body_html": body_text.highlighted(document.body, quotes),
        "comment_summary": summary,
        "comments_may_start": is_drafter and document.is_editable and summary.open_round is None,
        "comments_is_drafter": is_drafter,
    }


@require_GET
def comment_request_list(request: HttpRequest) -> HttpResponse:
    """The requests the person is to answer (pending first), newest first."""
    rows: list[CommentRequest] = list(comment_selectors.my_comment_requests(user=request.user)[:100])
    rows.sort(key=lambda r: r.status != RequestStatus.PENDING)
    return render(request, "documents/comment_request_list.html", {"requests": rows})


urls: list[URLPattern] = [
    path("comment-requests/", comment_request_list, name="comment_request_list"),
    path("comment-requests/<int:pk>/", comment_request, name="comment_request"),
    path("comment-requests/<int:pk>/respond/", comment_request_respond, name="comment_request_respond"),
    path("comment-requests/<int:pk>/delegate/", comment_request_delegate, name="comment_request_delegate"),
    path("<int:pk>/comment-rounds/new/", comment_round_create, name="comment_round_create"),
    path("comment-rounds/<int:pk>/close/", comment_round_close, name="comment_round_close"),
    path("<int:pk>/opinion-summary/", opinion_summary, name="opinion_summary"),
    path("<int:pk>/opinion-summary.<str:kind>", opinion_summary_download, name="opinion_summary_download"),
    path("opinions/<int:pk>/handle/", opinion_handle, name="opinion_handle"),
]
