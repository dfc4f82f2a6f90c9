"""Pages of leader bulletins (信息通报): the list (the office: what it circulated, with read counts; a
leader: what they received, unread first), the office's form, and a bulletin with its receipts,
replies, the 已阅 button and the reply form. What a person may not see is a 404; the service's
refusals come back as its error on the page with its status (core.middleware)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import is_office_member
from core.errors import DomainError, PermissionDenied, ValidationError

from . import bulletin_selectors as selectors
from . import bulletin_services as services
from .bulletin_forms import BulletinForm, ReplyForm

PAGE_SIZE = 50


@require_GET
def bulletin_list(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.bulletin_desk_list(user=request.user)[:PAGE_SIZE])
    context = {"bulletins": rows, "may_circulate": is_office_member(request.user)}
    return render(request, "relations/bulletins/list.html", context)


def _add_errors(form: BulletinForm | ReplyForm, error: DomainError) -> None:
    for field, problems in error.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


@require_http_methods(["GET", "POST"])
def bulletin_create(request: HttpRequest) -> HttpResponse:
    if not is_office_member(request.user):
        raise PermissionDenied(_("Only the office circulates bulletins to the leaders."), code="not_office")
    form = BulletinForm(request.POST or None, user=request.user)
    error: DomainError | None = None
    if request.method == "POST":
        if form.is_valid():
            try:
                bulletin = services.bulletin_circulate(actor=request.user, **form.cleaned_data)
            except DomainError as refused:
                _add_errors(form, refused)
                error = refused
            else:
                messages.success(request, _("The bulletin went to the leaders."))
                return redirect(bulletin.get_absolute_url())
        else:
            error = ValidationError(_("Please correct the marked fields."))
    status = error.status_code if error is not None else 200
    return render(request, "relations/bulletins/form.html", {"form": form, "refusal": error}, status=status)


def _page(
    request: HttpRequest, pk: int, *, reply_form: ReplyForm | None = None, error: DomainError | None = None
) -> HttpResponse:
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    actions = services.bulletin_actions(user=request.user, bulletin=bulletin)
    context = {
        "bulletin": bulletin,
        "receipts": list(bulletin.recipients.all()),
        "replies": list(bulletin.replies.all()),
        "coordination": selectors.bulletin_coordination(user=request.user, bulletin=bulletin),
        "may_read": actions["may_read"],
        "reply_form": (reply_form or ReplyForm()) if actions["may_reply"] else None,
        "refusal": error,
    }
    status = error.status_code if error is not None else 200
    return render(request, "relations/bulletins/detail.html", context, status=status)


@require_GET
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk)


@require_POST
def bulletin_read(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    services.bulletin_read(actor=request.user, bulletin=bulletin)
    messages.success(request, _("Marked as read."))
    return redirect(bulletin.get_absolute_url())


@require_POST
def bulletin_reply(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, reply_form=form, error=ValidationError(_("Please correct the marked fields.")))
    try:
        services.bulletin_reply(actor=request.user, bulletin=bulletin, text=form.cleaned_data["text"])
    except DomainError as error:
        _add_errors(form, error)
        return _page(request, pk, reply_form=form, error=error)
    messages.success(request, _("Your reply is posted."))
    return redirect(bulletin.get_absolute_url())
