"""Pages of documents: issuing — the office's issuing queue and issue form, the rendered document
(PDF/DOCX), revocation, the 签收 list and page, and the public verification page (/verify/<code>/).

Every action POSTs, calls its service and redirects (PRG). A refusal re-renders the page with the
service's message and its status (400/403/409); what a person may not see is a 404.
"""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import is_office_member
from accounts.models import Department
from core.enums import Classification
from core.errors import Conflict, DomainError, PermissionDenied, RateLimited, ValidationError
from core.middleware import client_address

from .. import selectors
from ..api.issuing import render_response
from ..layout import sha256_hex, validate_pdf_signature
from ..models import Distribution, DistributionStatus, Document, DocumentStatus, Revocation, copy_label
from ..services import issuing as services
from ..services import rendering
from .comments import _attempt, _check_the_form, _status

# A queue or list page shows this many rows (oldest waiting first; the rest after those are done).
LIST_LIMIT = 100
# An uploaded PDF larger than this is no issued document of ours.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Verification codes as ``services.issuing`` makes them; anything else is not looked up at all.
CODE_PATTERN = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")
# 份号 as printed: six digits.
COPY_PATTERN = re.compile(r"^[0-9]{6}$")
ISSUED = (DocumentStatus.ISSUED, DocumentStatus.ARCHIVED)


# --- Forms ----------------------------------------------------------------------------------------


def _departments() -> Any:
    return Department.objects.filter(is_active=True, head__isnull=False).select_related("head").order_by("order", "id")


class IssueForm(forms.Form):
    main_departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Main recipients (主送)"),
        queryset=_departments(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Each department's head signs for the document."),
    )
    cc_departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Copied to (抄送)"),
        queryset=_departments(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    numbered_copies = forms.BooleanField(
        label=gettext_lazy("Number each copy (份号)"),
        required=False,
        help_text=gettext_lazy(
            "Each department receives its own numbered, signed copy; the office keeps the file copy, "
            "numbered after them. Required for secret and confidential documents."
        ),
    )

    def __init__(self, *args: Any, document: Document, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document = document
        if services.numbered_by_default(document.classification):
            # Required by GB/T 9704 for 涉密公文: shown checked, and not to be unchecked.
            self.fields["numbered_copies"].initial = True
            self.fields["numbered_copies"].disabled = True


class RevokeForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Revocation"), choices=Revocation.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=services.MAX_REASON)


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The PDF to check"),
        help_text=gettext_lazy(
            "The file is compared with the issued original and its signature checked; it is not kept."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(n)d MB; an issued document is much smaller.")
                % {"n": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


# --- The document page's issuing part -------------------------------------------------------------


def detail_context(request: HttpRequest, document: Document) -> dict[str, Any]:
    """What the document page shows of issuing: downloads, the distributions with their receipts,
    the office's issue link and revocation form. No query unless the document is issued."""
    office = is_office_member(request.user)
    issued = document.status in ISSUED
    return {
        "render_formats": rendering.FORMATS,
        "distributions": selectors.document_distributions(user=request.user, document=document) if issued else [],
        "may_issue": office and document.status == DocumentStatus.APPROVED,
        "may_revoke": office and issued and not document.revocation,
        "revoke_form": RevokeForm(),
        "verification_url": rendering.verification_url(document) if issued else "",
    }


def _require_office(request: HttpRequest) -> None:
    if not is_office_member(request.user):
        raise PermissionDenied(_("Only the office issues documents."))


# --- The office's pages ---------------------------------------------------------------------------


@require_GET
def issuing_queue(request: HttpRequest) -> HttpResponse:
    """Approved documents waiting to be issued, oldest first (the office)."""
    _require_office(request)
    rows = list(selectors.issuing_queue(user=request.user)[:LIST_LIMIT])
    return render(request, "documents/issuing_queue.html", {"documents": rows, "limit": LIST_LIMIT})


def _named_departments(document: Document) -> dict[str, list[int]]:
    """The departments the draft names as 主送 and 抄送 (by name), to start the issue form with."""
    named = {
        field: [name for name in re.split(r"[、，,;；\s]+", text) if name]
        for field, text in (("main_departments", document.main_recipients), ("cc_departments", document.cc_recipients))
    }
    if not any(named.values()):
        return {}
    ids = dict(_departments().filter(name__in=[n for names in named.values() for n in names]).values_list("name", "id"))
    return {field: [ids[name] for name in names if name in ids] for field, names in named.items()}


@require_http_methods(["GET", "POST"])
def document_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """The issue form: choose the 主送 and 抄送 departments, then issue (the office)."""
    document = selectors.document_get(user=request.user, pk=pk)
    _require_office(request)
    form = IssueForm(request.POST or None, initial=_named_departments(document), document=document)
    error: DomainError | None = None
    if request.method == "POST":
        if form.is_valid():
            issued, error = _attempt(
                form,
                lambda: services.document_issue(
                    document=document,
                    by=request.user,
                    main_departments=list(form.cleaned_data["main_departments"]),
                    cc_departments=list(form.cleaned_data["cc_departments"]),
                    numbered_copies=form.cleaned_data["numbered_copies"],
                ),
            )
            if issued is not None:
                messages.success(request, _("Issued as %(number)s.") % {"number": issued.number})
                return redirect(issued)
        else:
            error = _check_the_form()
    elif document.status != DocumentStatus.APPROVED:
        error = Conflict(
            _("The document is %(status)s; only an approved document can be issued.")
            % {"status": document.get_status_display()}
        )
    context = {"document": document, "form": form, "refusal": error}
    return render(request, "documents/issue_form.html", context, status=_status(error))


@require_POST
def document_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(user=request.user, pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Choose revoke or repeal and give the reason."))
    services.document_revoke(document=document, by=request.user, **form.cleaned_data)
    messages.success(
        request, _("The document is marked %(kind)s.") % {"kind": Revocation(form.cleaned_data["kind"]).label}
    )
    return redirect(document)


@require_GET
def document_render(request: HttpRequest, pk: int) -> HttpResponse:
    """The document as PDF or DOCX (``?format=``); the issued PDF is the signed original."""
    document = selectors.document_get(user=request.user, pk=pk)
    fmt = request.GET.get("format", rendering.PDF)
    if fmt not in rendering.FORMATS:
        raise ValidationError(_("Choose the format pdf or docx."))
    return render_response(document, fmt, copy=selectors.own_copy(user=request.user, document=document))


# --- 签收 -----------------------------------------------------------------------------------------


@require_GET
def distribution_list(request: HttpRequest) -> HttpResponse:
    """待我签收的: the documents addressed to the person still to be signed for, newest first."""
    rows = list(selectors.my_distributions(user=request.user).filter(status=DistributionStatus.PENDING)[:LIST_LIMIT])
    return render(request, "documents/distribution_list.html", {"distributions": rows, "limit": LIST_LIMIT})


@require_http_methods(["GET", "POST"])
def distribution(request: HttpRequest, pk: int) -> HttpResponse:
    """A distributed document and the 签收 button (the department's head)."""
    found: Distribution = selectors.distribution_get(user=request.user, pk=pk)
    error: DomainError | None = None
    if request.method == "POST":
        received, error = _attempt(None, lambda: services.distribution_receive(distribution=found, by=request.user))
        if received is not None:
            messages.success(request, _("Signed for %(number)s.") % {"number": found.document.number})
            return redirect("documents:distribution", pk=found.pk)
    document = found.document
    context = {
        "distribution": found,
        "document": document,
        "may_receive": found.status == DistributionStatus.PENDING
        and request.user.pk in {found.recipient_id, found.department.head_id},
        "refusal": error,
    }
    return render(request, "documents/distribution.html", context, status=_status(error))


@require_GET
def distribution_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """The distribution's numbered copy (份号) as PDF (the signed copy) or DOCX (``?format=``); a
    404 for a distribution the person may not see and for one without a numbered copy."""
    found: Distribution = selectors.distribution_get(user=request.user, pk=pk)
    if not found.copy_number:
        raise Http404
    fmt = request.GET.get("format", rendering.PDF)
    if fmt not in rendering.FORMATS:
        raise ValidationError(_("Choose the format pdf or docx."))
    response = render_response(found.document, fmt, copy=found)
    services.distribution_copy_downloaded(distribution=found, by=request.user, fmt=fmt)
    return response


# --- The public verification page ---------------------------------------------------------------


def _rate_limit(request: HttpRequest) -> None:
    """At most VERIFY_RATE_LIMIT requests per client address per window (Django's cache)."""
    key = f"verify-rate:{client_address(request) or 'unknown'}"
    window = settings.VERIFY_RATE_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    if count > settings.VERIFY_RATE_LIMIT:
        raise RateLimited(_("Too many verification requests from your address; try again in a few minutes."))


@login_not_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What anyone holding the paper may confirm: number, issuing department, date, SHA-256,
    revocation; the title only for 公开 documents; and an uploaded PDF checked against them."""
    _rate_limit(request)
    code = code.upper()
    if not CODE_PATTERN.match(code):
        raise Http404
    document = selectors.document_by_code(code=code)
    # A numbered copy's QR code names its 份号 (?copy=000002): the page shows that copy's SHA-256.
    copy, sha256 = _copy_shown(document, request.GET.get("copy", ""))
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    check: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            signature = validate_pdf_signature(data)
            digest = sha256_hex(data)
            matched = _copy_matching(document, digest)
            check = {
                "sha256": digest,
                "matches": matched is not None,
                "copy_label": copy_label(matched) if matched else "",
                "signature": signature,
            }
        else:
            status = 400
    context = {
        "document": document,
        "show_title": document.classification == Classification.PUBLIC,
        "form": form,
        "check": check,
        "copy_label": copy_label(copy),
        "sha256": sha256,
    }
    return render(request, "documents/verify.html", context, status=status)


def _copy_shown(document: Document, asked: str) -> tuple[int | None, str]:
    """(份号, SHA-256) the page shows: the copy ``?copy=`` names, else the file copy (the issued PDF)."""
    if COPY_PATTERN.match(asked):
        sha256 = selectors.document_copy_sha256(document=document, number=int(asked))
        if sha256:
            return int(asked), sha256
    return document.copy_number, document.pdf_sha256


def _copy_matching(document: Document, digest: str) -> int | None:
    """The copy an uploaded file is, by its SHA-256: 0 for the issued PDF of a document without
    numbered copies, its 份号 for a numbered one, None for no copy of this document."""
    if document.pdf_sha256 and digest == document.pdf_sha256:
        return document.copy_number or 0
    return selectors.document_copy_matching(document=document, sha256=digest)


urls: list[URLPattern] = [
    path("issuing/", issuing_queue, name="issuing_queue"),
    path("<int:pk>/issue/", document_issue, name="document_issue"),
    path("<int:pk>/revoke/", document_revoke, name="document_revoke"),
    path("<int:pk>/render/", document_render, name="document_render"),
    path("distributions/", distribution_list, name="distribution_list"),
    path("distributions/<int:pk>/", distribution, name="distribution"),
    path("distributions/<int:pk>/copy/", distribution_copy, name="distribution_copy"),
]
# Routed at /verify/ by config.urls, outside /documents/ (it is public).
verify_urls: list[URLPattern] = [path("<str:code>/", verify, name="verify")]
