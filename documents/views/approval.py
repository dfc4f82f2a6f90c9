"""Pages of the approval chain: the drafter's submit form (on the document page), the queue
待我审批的, and the task page where an approver reads the text, the 意见汇总表 and the changes since
they last looked, and approves, returns or rejects (from a phone too). ``detail_context`` feeds the
document page's ``documents/_approval.html``: the current steps, the form and the timeline.

Every action POSTs, calls its service and redirects (PRG). A refusal re-renders the page with the
service's message and its status (400/403/409); what a person may not see is a 404.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.widgets import PeopleMultiplePicker
from core.errors import DomainError, PermissionDenied

from .. import approval_selectors, comment_selectors, selectors
from .. import body as body_text
from ..models import ApprovalStatus, Decision, Document, DocumentStatus, StepStatus
from ..services import approval as services
from ..services import comments as comment_services
from ..services.drafting import document_mark_seen
from .comments import _attempt, _check_the_form, _status


def _leaders() -> Any:
    return User.objects.filter(is_active=True, is_leader=True).only("id", "name", "username").order_by("id")


class SubmitForm(forms.Form):
    signer = forms.ModelChoiceField(
        label=gettext_lazy("Signed off by (签发)"),
        queryset=_leaders(),
        empty_label="—",
        help_text=gettext_lazy("A bureau leader; upward documents are signed by the principal leader."),
    )
    countersign = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Countersigned by (会签)"),
        queryset=User.objects.filter(is_active=True).only("id", "name", "username"),
        widget=PeopleMultiplePicker,
        required=False,
        help_text=gettext_lazy("People of other departments who countersign in parallel; leave empty if none."),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(
        label=gettext_lazy("Opinion"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required to return or reject."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)


# --- The document page's part ---------------------------------------------------------------------


def detail_context(
    request: HttpRequest, document: Document, *, submit_form: SubmitForm | None = None
) -> dict[str, Any]:
    """What ``documents/_approval.html`` shows: the current cycle's steps, the drafter's submit form
    (or why it cannot be submitted yet), and the timeline of every decision."""
    is_drafter = document.drafter_id == request.user.pk
    may_submit = is_drafter and document.is_editable
    steps = selectors.document_steps(document=document) if document.cycle else []
    mine = [
        a
        for step in steps
        for a in step.approvals.all()
        if a.approver_id == request.user.pk and a.status == ApprovalStatus.PENDING
    ]
    context: dict[str, Any] = {
        "approval_steps": steps,
        # The viewer's own current task on this document, to open from here.
        "approval_my_task": mine[0] if mine else None,
        "approval_decisions": approval_selectors.document_decisions(document=document) if document.cycle else [],
        "approval_may_submit": may_submit,
        "approval_blocked": comment_services.blocking_reason(document) if may_submit else None,
        "submit_form": None,
    }
    if may_submit and not context["approval_blocked"]:
        context["submit_form"] = submit_form or SubmitForm(prefix="submit")
    return context


@require_POST
def document_submit(request: HttpRequest, pk: int) -> HttpResponse:
    from .drafting import _document_page

    document = selectors.document_get(user=request.user, pk=pk)
    if document.drafter_id != request.user.pk:
        raise PermissionDenied(_("Only the drafter submits the document for approval."))
    form = SubmitForm(request.POST, prefix="submit")
    if not form.is_valid():
        return _document_page(request, pk, error=_check_the_form(), submit_form=form)
    data = form.cleaned_data
    _done, error = _attempt(
        form,
        lambda: services.document_submit(
            document, by=request.user, signer=data["signer"], countersign=list(data["countersign"])
        ),
    )
    if error is not None:
        for problems in (error.fields.get(name) for name in ("approvers", "department", "office")):
            for problem in problems or []:
                form.add_error(None, problem)
        return _document_page(request, pk, error=error, submit_form=form)
    messages.success(request, _("Submitted for approval; the first approver has it on their desk."))
    return redirect(document)


# --- The queue ------------------------------------------------------------------------------------


@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    """待我审批的: the person's current approval tasks, each with its 意见汇总表 counts and the changes
    since the version they last saw."""
    rows = approval_selectors.approval_queue_rows(user=request.user)
    return render(request, "documents/approval_queue.html", {"rows": rows})


# --- The task page --------------------------------------------------------------------------------


def _task_page(
    request: HttpRequest, pk: int, *, form: DecideForm | None = None, error: DomainError | None = None
) -> HttpResponse:
    approval = selectors.approval_get(user=request.user, pk=pk)
    step = approval.step
    document = step.document
    summary = comment_selectors.opinion_summary(document=document)
    seen = approval_selectors.seen_versions(user=request.user, document_ids=[document.pk]).get(document.pk)
    changes = None
    if seen is not None and seen < document.version:
        versions = approval_selectors.versions_for([(document.pk, seen), (document.pk, document.version)])
        changes = approval_selectors.changes_since(
            seen=seen, current=document.version, versions={n: v for (_d, n), v in versions.items()}
        )
    may_decide = (
        approval.approver_id == request.user.pk
        and approval.status == ApprovalStatus.PENDING
        and step.status == StepStatus.CURRENT
        and document.status == DocumentStatus.AWAITING_APPROVAL
    )
    quotes = [o.quote for r in summary.rounds for q in r.requests.all() for o in q.opinions.all() if o.quote]
    context = {
        "approval": approval,
        "step": step,
        "document": document,
        "body_html": body_text.highlighted(document.body, quotes),
        "comment_summary": summary,
        "seen_version": seen,
        "changes": changes,
        "approval_steps": selectors.document_steps(document=document),
        "may_decide": may_decide,
        "decide_form": (form or DecideForm(prefix="decide", initial={"version": document.version}))
        if may_decide
        else None,
        "refusal": error,
    }
    return render(request, "documents/approval.html", context, status=_status(error))


@require_GET
def approval(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, pk)


@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.approval_get(user=request.user, pk=pk)
    form = DecideForm(request.POST, prefix="decide")
    if not form.is_valid():
        return _task_page(request, pk, form=form, error=_check_the_form())
    data = form.cleaned_data
    decided, error = _attempt(
        form,
        lambda: services.approval_decide(
            found, by=request.user, decision=data["decision"], opinion=data["opinion"], version=data["version"]
        ),
    )
    if error is not None or decided is None:
        return _task_page(request, pk, form=form, error=error)
    # The approver has read this version: the next time, their queue shows what changed since.
    document_mark_seen(document=found.step.document, user=request.user)
    messages.success(
        request, _("Your decision is recorded: %(decision)s.") % {"decision": Decision(decided.decision).label}
    )
    return redirect(reverse("documents:approval_queue"))


urls: list[URLPattern] = [
    path("approvals/", approval_queue, name="approval_queue"),
    path("approvals/<int:pk>/", approval, name="approval"),
    path("approvals/<int:pk>/decide/", approval_decide, name="approval_decide"),
    path("<int:pk>/submit/", document_submit, name="document_submit"),
]
