"""Pages of documents: the list, the drafting editor, the document page, versions and diffs, files.

Every action POSTs, calls its service and redirects (PRG); a refusal re-renders the page with the
service's message and the refusal's status. What a person may not see is a 404.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from affairs.selectors import keyset_page
from affairs.views import _attempt, _check_the_form, _status
from core.attachments import attachment_response, attachments_of
from core.errors import DomainError
from core.filters import parse_id

from .. import body as body_text
from .. import selectors
from ..api.drafting import version_text
from ..filters import DocumentFilter
from ..forms import AttachForm, CompareForm, DocumentCreateForm, DocumentEditForm
from ..models import VERSIONED_FIELDS, Document, DocumentVersion
from ..services import drafting

PAGE_SIZE = 25
LIST_FIELDS = (
    *("id", "title", "doc_type", "status", "number", "classification", "urgency", "version", "updated_at"),
    *("drafter", "department", "drafter__name", "drafter__username", "drafter__first_name", "drafter__last_name"),
    "department__name",
)


@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    """Documents the person may see, newest first, filtered; keyset pages (``?after=<id>``)."""
    filters = DocumentFilter(request.GET, queryset=selectors.document_list(user=request.user), request=request)
    form = filters.form
    form.is_valid()  # a bad filter is shown as the field's error; the valid ones still apply
    after = parse_id(request.GET.get("after"))
    rows, next_after = keyset_page(filters.qs.only(*LIST_FIELDS), after=after, size=PAGE_SIZE)
    kept = {k: v for k, v in request.GET.items() if k in form.fields and v}
    context = {
        "form": form,
        "documents": rows,
        "query": urlencode(kept),
        "next_query": urlencode({**kept, "after": next_after}) if next_after else None,
        "paged": after is not None,
        "filtered": bool(kept),
    }
    template = "documents/_document_list.html" if request.htmx and not request.htmx.history_restore_request else None
    response = render(request, template or "documents/document_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest) -> HttpResponse:
    form = DocumentCreateForm(request.POST or None, request.FILES or None)
    error: DomainError | None = None
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            files = data.pop("files")

            def create() -> Document:
                with transaction.atomic():  # the draft and its files, or neither
                    document = drafting.document_create(drafter=request.user, **data)
                    if files:
                        drafting.document_attach(document=document, actor=request.user, files=files)
                    return document

            document, error = _attempt(form, create)
            if document is not None:
                messages.success(request, _("The draft is saved as version 1."))
                return redirect(document)
        else:
            error = _check_the_form()
    return render(request, "documents/document_form.html", {"form": form, "refusal": error}, status=_status(error))


def detail_context(request: HttpRequest, document: Document) -> dict[str, Any]:
    """What the document page shows of drafting: the text, files, versions and who may act."""
    versions = list(selectors.document_versions(document=document))
    return {
        "document": document,
        "paragraphs": body_text.paragraphs(document.body),
        # The body with its levels; the comments stage marks the passages reviewers quoted.
        "body_html": body_text.highlighted(document.body, []),
        "attachments": list(attachments_of(document)),
        "versions": versions,
        "may_edit": document.is_editable and document.drafter_id == request.user.pk,
        "attach_form": AttachForm(),
    }


def _document_page(request: HttpRequest, pk: int, *, error: DomainError | None = None, **extra: Any) -> HttpResponse:
    from . import approval, comments, issuing

    document = selectors.document_get(user=request.user, pk=pk)
    context = detail_context(request, document)
    for stage in (comments, approval, issuing):
        context.update(stage.detail_context(request, document))
    context.update(extra)
    context["refusal"] = error
    drafting.document_mark_seen(document=document, user=request.user)
    return render(request, "documents/document_detail.html", context, status=_status(error))


@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_page(request, pk)


@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(user=request.user, pk=pk)
    drafting.document_check_editable(document=document, actor=request.user)  # the form only for who may save it
    initial = {field: getattr(document, field) for field in VERSIONED_FIELDS}
    initial["body"] = body_text.plain_text(document.body)
    form = DocumentEditForm(request.POST or None, initial=initial)
    error: DomainError | None = None
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            summary = data.pop("summary")
            saved, error = _attempt(
                form,
                lambda: drafting.document_update(
                    document=document,
                    actor=request.user,
                    summary=summary,
                    **data,
                ),
            )
            if saved is not None:
                if saved.version != document.version:
                    messages.success(request, _("Saved as version %(n)d.") % {"n": saved.version})
                else:
                    messages.info(request, _("Nothing changed; the version stays %(n)d.") % {"n": saved.version})
                return redirect(saved)
        else:
            error = _check_the_form()
    return render(
        request,
        "documents/document_form.html",
        {"form": form, "document": document, "refusal": error},
        status=_status(error),
    )


@require_POST
def document_attach(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(user=request.user, pk=pk)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        return _document_page(request, pk, error=_check_the_form(), attach_form=form)
    stored, error = _attempt(
        form,
        lambda: drafting.document_attach(document=document, actor=request.user, files=form.cleaned_data["files"]),
    )
    if error is not None:
        return _document_page(request, pk, error=error, attach_form=form)
    messages.success(request, _("%(n)d file(s) attached.") % {"n": len(stored or [])})
    return redirect(document)


@require_GET
def document_versions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version, and any two side by side with the changes marked by character."""
    document = selectors.document_get(user=request.user, pk=pk)
    versions = list(selectors.document_versions(document=document))
    compare = CompareForm(
        {
            "from_version": request.GET.get("from") or max(document.version - 1, 1),
            "to_version": request.GET.get("to") or document.version,
        }
    )
    context: dict[str, Any] = {"document": document, "versions": versions, "compare": compare}
    if compare.is_valid():
        by_number: dict[int, DocumentVersion] = {v.number: v for v in versions}
        old = by_number.get(compare.cleaned_data["from_version"])
        new = by_number.get(compare.cleaned_data["to_version"])
        if old is None or new is None:
            compare.add_error(None, _("Choose two versions of this document."))
        else:
            context.update(
                old=old, new=new, diff=body_text.diff_html(body_text.diff(version_text(old), version_text(new)))
            )
    return render(request, "documents/document_versions.html", context, status=200 if compare.is_valid() else 400)


@require_GET
def document_attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A file of a document (or incoming document, or packet) the person may see; 404 otherwise."""
    return attachment_response(selectors.attachment_get(user=request.user, pk=pk), user=request.user)


urls: list[URLPattern] = [
    path("", document_list, name="document_list"),
    path("new/", document_create, name="document_create"),
    path("<int:pk>/", document_detail, name="document_detail"),
    path("<int:pk>/edit/", document_edit, name="document_edit"),
    path("<int:pk>/attach/", document_attach, name="document_attach"),
    path("<int:pk>/versions/", document_versions, name="document_versions"),
    path("files/<int:pk>/", document_attachment, name="attachment"),
]
