"""Issuing (复核、印发): the office numbers an approved document, renders, seals and signs it, and
distributes it to the 主送/抄送 departments, whose heads sign for it (签收); revocation (撤销/废止).

Numbers: ``<prefix>〔<year>〕<n>号``, n counted per prefix and year by one ``NumberCounter`` row taken
under its row lock for the rest of the issuing transaction (never max()+1), so numbers are
gap-free and unique however many people issue at once: a failed issue rolls its number back.
"""

import logging
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_office_member
from accounts.models import Department, User
from core.audit import audit_record
from core.enums import Classification
from core.errors import Conflict, PermissionDenied, ValidationError
from workload.models import WorkItemKind, WorkItemStatus
from workload.services import workitem_open, workitems_settle_for_target

from .. import transitions
from ..layout import render_pdf, sha256_hex, sign_pdfs, signing_available
from ..models import (
    AccessReason,
    Distribution,
    DistributionKind,
    DistributionStatus,
    Document,
    DocumentStatus,
    NumberCounter,
    Revocation,
)
from . import rendering
from .drafting import access_grant

logger = logging.getLogger(__name__)

MAX_RECIPIENTS = 200
MAX_REASON = 300
# Verification codes: no 0/O or 1/I/L to misread from paper; 8 characters in two groups of four.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def _index(document: Document) -> None:
    from ..search import index_document

    index_document(document)


def _require_office(actor: User, message: str) -> None:
    if not is_office_member(actor):
        raise PermissionDenied(message, code="not_office")


def format_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}〔{year}〕{seq}号"


def next_number(*, prefix: str, year: int) -> int:
    """The next sequence number of ``prefix`` in ``year``, taken in the caller's transaction: the
    counter row stays locked until it commits (or rolls back, and the number with it)."""
    counter = NumberCounter.objects.select_for_update().filter(prefix=prefix, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent first issue may create it too
                NumberCounter.objects.create(prefix=prefix, year=year, last=0)
        except IntegrityError:
            pass  # created by the other transaction, which has committed by now: lock that row
        counter = NumberCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _new_code() -> str:
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        code = f"{raw[:4]}-{raw[4:]}"
        if not Document.objects.filter(verification_code=code).exists():
            return code


def _recipients(
    *, document: Document, main_departments: Sequence[Department], cc_departments: Sequence[Department]
) -> list[tuple[Department, str, User]]:
    """(department, kind, head) for every department named, checked: at least one 主送, no
    department twice, each active with an active head cleared for the document."""
    fields: dict[str, list[str]] = {}
    main, cc = list(main_departments), list(cc_departments)
    if not main:
        fields["main_departments"] = [_("Name at least one main recipient (主送).")]
    if len(main) + len(cc) > MAX_RECIPIENTS:
        fields["cc_departments"] = [_("At most %(n)d departments.") % {"n": MAX_RECIPIENTS}]
    seen: set[int] = set()
    chosen: list[tuple[Department, str, User]] = []
    for field, kind, departments in (
        ("main_departments", DistributionKind.MAIN, main),
        ("cc_departments", DistributionKind.CC, cc),
    ):
        for department in departments:
            if department.pk in seen:
                fields.setdefault(field, []).append(
                    _("%(department)s is named twice.") % {"department": department.name}
                )
                continue
            seen.add(department.pk)
            head = department.head
            if not department.is_active or head is None or not head.is_active:
                fields.setdefault(field, []).append(
                    _("%(department)s has no head to sign for it.") % {"department": department.name}
                )
            elif not Classification.allows(head.clearance, document.classification):
                fields.setdefault(field, []).append(
                    _("%(name)s, head of %(department)s, is not cleared for %(level)s material.")
                    % {
                        "name": head.display_name,
                        "department": department.name,
                        "level": Classification(document.classification).label,
                    }
                )
            else:
                chosen.append((department, kind, head))
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    return chosen


def _signed(pdfs: list[bytes], *, number: str, organ: str) -> tuple[list[bytes], bool]:
    """``pdfs`` with the organization's PAdES signature, or unsigned (and a warning) without a
    configured certificate; and whether they were signed."""
    if not signing_available():
        logger.warning("Issued %s unsigned: SIGNING_CERT and SIGNING_KEY name no readable certificate and key.", number)
        return pdfs, False
    return sign_pdfs(pdfs, reason=f"{number} 印发", signer_name=organ), True


def numbered_by_default(classification: str) -> bool:
    """Whether copies are numbered unless the office says otherwise: GB/T 9704 7.2.1 requires the
    份号 on 涉密公文 (秘密, 机密); other documents carry it only when the office asks."""
    return Classification.rank(classification) >= Classification.rank(Classification.SECRET)


def _numbering(document: Document, numbered_copies: bool | None) -> bool:
    required = numbered_by_default(document.classification)
    if numbered_copies is None:
        return required
    if required and not numbered_copies:
        message = _("A %(level)s document is issued in numbered copies (份号); GB/T 9704 requires them.") % {
            "level": Classification(document.classification).label
        }
        raise ValidationError(message, fields={"numbered_copies": [message]})
    return numbered_copies


def _store(files: list[tuple[Any, str, bytes]]) -> None:
    """Write each (field file, name, content) to storage; when one fails, remove those written, so
    that no file is left behind by an issue that did not happen."""
    written: list[Any] = []
    try:
        for field_file, name, content in files:
            field_file.save(name, ContentFile(content), save=False)
            written.append(field_file)
    except Exception:
        _discard(written)
        raise


def _discard(field_files: list[Any]) -> None:
    for field_file in field_files:
        try:
            field_file.delete(save=False)
        except OSError:
            logger.exception("Could not remove %s after a failed issue.", field_file.name)


@transaction.atomic
def document_issue(
    *,
    document: Document,
    by: User,
    main_departments: Sequence[Department],
    cc_departments: Sequence[Department] = (),
    numbered_copies: bool | None = None,
) -> Document:
    """The office issues an approved document: its number, the signed PDF with its verification
    code, and a distribution (with a 签收 work item for the head) to each department named.

    Numbered copies (份号; by default for a classified document, see ``numbered_by_default``): each
    distribution, in the order named (主送 then 抄送), gets copy 000001, 000002, … rendered and
    signed as a PDF of its own, and the office's file copy (the issued PDF) the next number. All
    files are rendered and signed before any is written, and written last, so that a refusal
    leaves nothing behind and a failed write removes the files already written."""
    _require_office(by, _("Only the office issues documents."))
    locked = Document.objects.select_for_update(of=("self",)).select_related("department", "signer").get(pk=document.pk)
    if locked.status != DocumentStatus.APPROVED:
        raise Conflict(
            _("The document is %(status)s; only an approved document can be issued.")
            % {"status": locked.get_status_display()},
            code="invalid_state",
        )
    chosen = _recipients(document=locked, main_departments=main_departments, cc_departments=cc_departments)
    numbered = _numbering(locked, numbered_copies)
    department = rendering.issuing_department_of(locked)
    prefix = department.doc_prefix if department is not None else ""
    if department is None or not prefix:
        raise Conflict(
            _("Neither the drafting department nor the office has a number prefix; an administrator sets one."),
            code="no_prefix",
        )
    now = timezone.now()
    year = timezone.localdate(now).year
    seq = next_number(prefix=prefix, year=year)
    number = format_number(prefix, year, seq)
    transitions.move(
        locked,
        DocumentStatus.ISSUED,
        number=number,
        number_prefix=prefix,
        number_year=year,
        number_seq=seq,
        issuing_department=department,
        issued_at=now,
        issued_by=by,
        verification_code=_new_code(),
        copy_number=len(chosen) + 1 if numbered else None,
    )
    distributions: list[Distribution] = []
    for copy_number, (target, kind, head) in enumerate(chosen, start=1):
        distribution = Distribution.objects.create(
            document=locked,
            department=target,
            kind=kind,
            recipient=head,
            copy_number=copy_number if numbered else None,
        )
        distributions.append(distribution)
        access_grant(document=locked, users=[head], reason=AccessReason.RECIPIENT)
        workitem_open(
            assignee=head,
            kind=WorkItemKind.DISTRIBUTION,
            target=distribution,
            title=_("Sign for %(number)s %(title)s") % {"number": number, "title": locked.title},
            urgency=locked.urgency,
            classification=locked.classification,
            assigned_by=by,
        )
    copies = distributions if numbered else []
    layout = rendering.layout_of(locked)
    unsigned = [render_pdf(layout)]
    unsigned += [render_pdf(rendering.copy_layout(layout, locked, copy.copy_number)) for copy in copies]
    pdfs, signed = _signed(unsigned, number=number, organ=layout.signature_org)
    code = locked.verification_code
    files = [(locked.issued_pdf, f"{code}.pdf", pdfs[0])]
    files += [(copy.copy_pdf, f"{code}-{copy.copy_label}.pdf", pdf) for copy, pdf in zip(copies, pdfs[1:], strict=True)]
    _store(files)
    try:
        locked.pdf_sha256 = sha256_hex(pdfs[0])
        locked.save(update_fields=["issued_pdf", "pdf_sha256"])
        for copy, pdf in zip(copies, pdfs[1:], strict=True):
            copy.copy_sha256 = sha256_hex(pdf)
        Distribution.objects.bulk_update(copies, ["copy_pdf", "copy_sha256"])
        audit_record(
            actor=by,
            verb="document.issue",
            target=locked,
            data={
                "number": number,
                "version": locked.version,
                "main": [d.pk for d, kind, _h in chosen if kind == DistributionKind.MAIN],
                "cc": [d.pk for d, kind, _h in chosen if kind == DistributionKind.CC],
                "sha256": locked.pdf_sha256,
                "signed": signed,
                "copies": {copy.copy_label: copy.copy_sha256 for copy in copies},
                "file_copy": locked.copy_label,
            },
        )
        _index(locked)
    except Exception:
        # The transaction rolls back: no row will name these files, so none may stay behind.
        _discard([field_file for field_file, _name, _content in files])
        raise
    return locked


@transaction.atomic
def distribution_receive(*, distribution: Distribution, by: User) -> Distribution:
    """The department's head (the recipient named, or whoever heads it now) signs for it, once."""
    locked = (
        Distribution.objects.select_for_update(of=("self",))
        .select_related("department", "document")
        .get(pk=distribution.pk)
    )
    if by.pk != locked.recipient_id and by.pk != locked.department.head_id:
        raise PermissionDenied(
            _("Only the head of %(department)s signs for it.") % {"department": locked.department.name}
        )
    if locked.status != DistributionStatus.PENDING:
        raise Conflict(_("This document has already been signed for."), code="already_received")
    locked.status, locked.received_by, locked.received_at = DistributionStatus.RECEIVED, by, timezone.now()
    locked.save(update_fields=["status", "received_by", "received_at"])
    workitems_settle_for_target(target=locked, outcome="received", actor=by)
    audit_record(
        actor=by,
        verb="document.receive",
        target=locked,
        data={"document": locked.document_id, "department": locked.department_id},
    )
    _index(locked.document)
    return locked


@transaction.atomic
def distribution_copy_downloaded(*, distribution: Distribution, by: User, fmt: str) -> None:
    """Record that ``by`` took the distribution's numbered copy (份号) as a file: who holds which
    copy is what numbering is for. The pages and the API call it when they serve the copy (after
    their visibility check)."""
    audit_record(
        actor=by,
        verb="document.copy_download",
        target=distribution,
        data={"document": distribution.document_id, "copy": distribution.copy_label, "format": fmt},
    )


@transaction.atomic
def document_revoke(*, document: Document, by: User, kind: str, reason: str) -> Document:
    """The office revokes (撤销: void from the start) or repeals (废止: void from now) an issued
    document; the verification page says so from then on. Pending receipts are cancelled."""
    _require_office(by, _("Only the office revokes documents."))
    if kind not in Revocation.values:
        raise ValidationError(_("Choose revoke or repeal."), fields={"kind": [_("Choose revoke or repeal.")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason."), fields={"reason": [_("Give the reason.")]})
    if len(reason) > MAX_REASON or any(c in reason for c in "\r\n\u2028\u2029"):
        raise ValidationError(
            _("Keep the reason to one line of at most %(n)d characters.") % {"n": MAX_REASON},
            fields={"reason": [_("Keep the reason to one line of at most %(n)d characters.") % {"n": MAX_REASON}]},
        )
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status not in {DocumentStatus.ISSUED, DocumentStatus.ARCHIVED}:
        raise Conflict(_("Only an issued document can be revoked."), code="invalid_state")
    if locked.revocation:
        raise Conflict(
            _("The document was already %(kind)s.") % {"kind": locked.get_revocation_display()},
            code="already_revoked",
        )
    locked.revocation, locked.revoked_at, locked.revocation_reason = kind, timezone.now(), reason
    locked.updated_at = locked.revoked_at
    locked.save(update_fields=["revocation", "revoked_at", "revocation_reason", "updated_at"])
    for pending in Distribution.objects.filter(document=locked, status=DistributionStatus.PENDING):
        workitems_settle_for_target(target=pending, status=WorkItemStatus.CANCELLED, outcome="revoked", actor=by)
    audit_record(actor=by, verb="document.revoke", target=locked, data={"kind": kind, "reason": reason})
    _index(locked)
    return locked
