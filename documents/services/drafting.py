"""Drafting (起草): create a document, save new versions, attach files, route people onto it."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.attachments import attachment_store, attachments_check, files_count_error
from core.audit import audit_record
from core.enums import Classification, Urgency
from core.errors import Conflict, PermissionDenied, ValidationError
from core.models import Attachment
from core.validators import single_line

from .. import body as body_text
from ..models import VERSIONED_FIELDS, AccessReason, DocType, Document, DocumentAccess, DocumentVersion

_MAX_LENGTHS = {"title": 200, "secrecy_period": 20, "main_recipients": 300, "cc_recipients": 300, "note": 300}


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalize the versioned fields given (a partial set on update)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field, value in values.items():
        if field not in VERSIONED_FIELDS:
            raise ValidationError(_("Unknown field."), fields={field: [_("This field cannot be set here.")]})
        value = "" if value is None else value
        if not isinstance(value, str):
            errors[field] = [_("Enter text.")]
            continue
        if field == "body":
            cleaned[field] = body_text.sanitize(value)
            continue
        value = value.strip()
        if field in {"title", "secrecy_period", "main_recipients", "cc_recipients", "note"}:
            try:
                single_line(value)
            except DjangoValidationError as error:
                errors[field] = list(error.messages)
                continue
        limit = _MAX_LENGTHS.get(field)
        if limit and len(value) > limit:
            errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
            continue
        if field == "doc_type" and value not in DocType.values:
            errors[field] = [_("Choose one of the 15 document types.")]
        elif field == "classification" and value not in Classification.values:
            errors[field] = [_("Choose a classification.")]
        elif field == "urgency" and value not in Urgency.values:
            errors[field] = [_("Choose an urgency.")]
        elif field == "title" and not value:
            errors[field] = [_("A document needs a title.")]
        cleaned[field] = value
    if errors:
        raise ValidationError(_("Some of the input is not valid."), fields=errors)
    return cleaned


def _check_classification(*, person: User, classification: str, field: str = "classification") -> None:
    if not Classification.allows(person.clearance, classification):
        raise ValidationError(
            _("You are not cleared for %(level)s material.") % {"level": Classification(classification).label},
            fields={field: [_("Choose a classification up to your clearance.")]},
        )


def _snapshot(document: Document, *, author: User, summary: str) -> DocumentVersion:
    return DocumentVersion.objects.create(
        document=document,
        number=document.version,
        title=document.title,
        body=document.body,
        fields={name: getattr(document, name) for name in VERSIONED_FIELDS if name not in {"title", "body"}},
        author=author,
        summary=summary[:200],
    )


def _index(document: Document) -> None:
    """Keep the search index in step (``documents.search``), inside the same transaction."""
    from ..search import index_document

    index_document(document)


@transaction.atomic
def document_create(
    *,
    drafter: User,
    title: str,
    doc_type: str,
    body: str = "",
    classification: str = Classification.INTERNAL,
    urgency: str = Urgency.NORMAL,
    secrecy_period: str = "",
    main_recipients: str = "",
    cc_recipients: str = "",
    attachment_notes: str = "",
    note: str = "",
) -> Document:
    """Start a draft in the drafter's department: version 1."""
    if drafter.department_id is None:
        raise PermissionDenied(_("You belong to no department and cannot draft documents."))
    values = _clean(
        {
            "title": title,
            "doc_type": doc_type,
            "body": body,
            "classification": classification,
            "urgency": urgency,
            "secrecy_period": secrecy_period,
            "main_recipients": main_recipients,
            "cc_recipients": cc_recipients,
            "attachment_notes": attachment_notes,
            "note": note,
        }
    )
    _check_classification(person=drafter, classification=values["classification"])
    document = Document.objects.create(drafter=drafter, department_id=drafter.department_id, version=1, **values)
    _snapshot(document, author=drafter, summary=_("First draft"))
    audit_record(actor=drafter, verb="document.create", target=document, data={"version": 1})
    _index(document)
    return document


def document_check_editable(*, document: Document, actor: Any) -> None:
    """The rule of editing, asked by every save and by the editor page: the drafter (403), while the
    document is a draft or being revised (409)."""
    if document.drafter_id != actor.pk:
        raise PermissionDenied(_("Only the drafter edits the draft."))
    if not document.is_editable:
        raise Conflict(
            _("The document is %(status)s and cannot be edited.") % {"status": document.get_status_display()},
            code="invalid_state",
        )


@transaction.atomic
def document_update(*, document: Document, actor: User, summary: str = "", **changes: Any) -> Document:
    """Save the drafter's edits as a new version (only in ``draft`` or ``revising``).

    Saving nothing new keeps the version. Approvals bind to the version they were given on, so an
    edit after submission is impossible here (the document is not editable while awaiting approval).
    """
    locked = Document.objects.select_for_update().get(pk=document.pk)
    document_check_editable(document=locked, actor=actor)
    values = _clean(changes)
    changed = {field: value for field, value in values.items() if getattr(locked, field) != value}
    if not changed:
        return locked
    if "classification" in changed:
        _check_classification(person=actor, classification=changed["classification"])
        from .comments import check_reviewers_cleared

        check_reviewers_cleared(document=locked, classification=changed["classification"])
    for field, value in changed.items():
        setattr(locked, field, value)
    locked.version = F("version") + 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*changed, "version", "updated_at"])
    locked.refresh_from_db(fields=["version"])
    _snapshot(locked, author=actor, summary=summary or "")
    audit_record(
        actor=actor, verb="document.update", target=locked, data={"version": locked.version, "fields": sorted(changed)}
    )
    if "classification" in changed:
        reclassify_derived(document=locked)
    _index(locked)
    return locked


@transaction.atomic
def document_attach(*, document: Document, actor: User, files: Iterable[UploadedFile]) -> list[Attachment]:
    """Attach files to an editable draft (the drafter); each checked as ``core.attachments`` does."""
    uploads = list(files)
    problem = files_count_error(len(uploads))
    if problem:
        raise ValidationError(problem, fields={"file": [problem]})
    if not uploads:
        raise ValidationError(_("Choose a file."), fields={"file": [_("Choose a file.")]})
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.drafter_id != actor.pk:
        raise PermissionDenied(_("Only the drafter attaches files to the draft."))
    if not locked.is_editable:
        raise Conflict(_("Files can be attached only while the document is being drafted."), code="invalid_state")
    attachments_check(uploads)
    stored = [attachment_store(owner=locked, upload=upload, uploaded_by=actor) for upload in uploads]
    audit_record(actor=actor, verb="document.attach", target=locked, data={"attachments": [a.pk for a in stored]})
    return stored


def reclassify_derived(*, document: Document) -> None:
    """Carry a document's classification to the work items about it and its rows (requests,
    approvals, distributions), in the caller's transaction."""
    from workload.services import workitems_reclassify_for_target

    from ..models import Approval, CommentRequest, Distribution

    rows: list[Any] = [document]
    rows += list(CommentRequest.objects.filter(round__document=document))
    rows += list(Approval.objects.filter(step__document=document))
    rows += list(Distribution.objects.filter(document=document))
    for row in rows:
        workitems_reclassify_for_target(target=row, classification=document.classification)


def access_grant(*, document: Document, users: Iterable[User], reason: str) -> None:
    """Give each person need-to-know on ``document`` (called by the services that route people)."""
    if reason not in AccessReason.values:
        raise ValueError(reason)
    for person in users:
        try:
            with transaction.atomic():
                DocumentAccess.objects.get_or_create(document=document, user=person, defaults={"reason": reason})
        except IntegrityError:
            # Granted by a concurrent transaction a moment ago: the row is there, which is the point.
            pass


def document_mark_seen(*, document: Document, user: User) -> None:
    """Remember the version ``user`` has now seen ("changes since you last looked")."""
    DocumentAccess.objects.filter(document=document, user=user).update(last_seen_version=document.version)
