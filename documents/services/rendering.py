"""A document as GB/T 9704 output: ``layout_of`` turns a Document and its issuing data into the
layout engine's plain ``Layout``; drafts render on demand (unsigned, no number, marked 草稿), an
issued document is served as the signed PDF stored when it was issued."""

import datetime
import logging
from dataclasses import replace

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department
from core.errors import NotFound

from .. import body as body_text
from ..layout import Block, Layout, render_docx, render_pdf
from ..models import Distribution, DistributionKind, Document, DocumentStatus, copy_label

logger = logging.getLogger(__name__)

PDF = "pdf"
DOCX = "docx"
FORMATS = (PDF, DOCX)
MEDIA_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# 密级 and 紧急程度 as printed (GB/T 9704 7.2.2, 7.2.3); 公开/内部 and 平件 print nothing.
_CLASSIFICATION_MARKS = {"secret": "秘密", "confidential": "机密"}
_URGENCY_MARKS = {"urgent": "加急", "extra_urgent": "特急"}
# The watermark across every page of a render that is not the issued document.
DRAFT_MARK = "草稿"


def date_text(day: datetime.date) -> str:
    """成文日期 in Arabic numerals without leading zeros (GB/T 9704-2012 7.3.5.1): 2026年12月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def verification_url(document: Document, copy_number: int | None = None) -> str:
    """The absolute address of the document's public verification page ("" before issue); with
    ``copy_number`` the page of that numbered copy (it shows that copy's SHA-256)."""
    if not document.verification_code:
        return ""
    url = settings.SITE_URL.rstrip("/") + reverse("verify", args=[document.verification_code])
    return f"{url}?copy={copy_label(copy_number)}" if copy_number else url


def issuing_department_of(document: Document) -> Department | None:
    """The department whose prefix numbers the document: the drafting department when it has a
    ``doc_prefix``, else the office (API.md: a department without one uses the office's)."""
    if document.issuing_department_id is not None:
        return document.issuing_department
    if document.department.doc_prefix:
        return document.department
    return Department.objects.filter(is_office=True).first()


def _organ(department: Department | None) -> str:
    """署名 and seal: the organization, followed by the department unless that is the bureau itself."""
    organization = settings.ORGANIZATION_NAME
    return f"{organization}{department.name}" if department is not None else organization


def _recipients(document: Document, kind: str, joiner: str) -> str:
    """What the document names as 主送/抄送, else the departments it was distributed to."""
    named = document.main_recipients if kind == DistributionKind.MAIN else document.cc_recipients
    if named.strip() or document.status not in {DocumentStatus.ISSUED, DocumentStatus.ARCHIVED}:
        return named.strip()
    rows = Distribution.objects.filter(document=document, kind=kind).select_related("department")
    return joiner.join(row.department.name for row in rows.order_by("department__order", "department_id"))


def layout_of(document: Document, copy_number: int | None = None) -> Layout:
    """Everything the layout prints, from the document and its issuing data; ``copy_number`` is
    the 份号 of the copy laid out (the file copy's, ``document.copy_number``, by default)."""
    issued = document.status in {DocumentStatus.ISSUED, DocumentStatus.ARCHIVED} and bool(document.number)
    department = issuing_department_of(document)
    organ = _organ(department)
    today = timezone.localdate()
    written = timezone.localdate(document.signed_at) if document.signed_at else today
    printed = timezone.localdate(document.issued_at) if document.issued_at else today
    office = Department.objects.filter(is_office=True).first()
    classification = _CLASSIFICATION_MARKS.get(document.classification, "")
    if classification and document.secrecy_period:
        classification = f"{classification}★{document.secrecy_period}"
    copy_number = (copy_number or document.copy_number) if issued else None
    signer_names: tuple[str, ...] = ()
    if document.is_upward and document.signer is not None:
        signer_names = (document.signer.display_name,)
    return Layout(
        title=document.title,
        issuer_mark=f"{organ}文件",
        signature_org=organ,
        date_text=date_text(written),
        body=tuple(Block(p.level, p.text) for p in body_text.paragraphs(document.body)),
        number=document.number if issued else "",
        copy_number=copy_label(copy_number),
        classification_mark=classification,
        urgency_mark=_URGENCY_MARKS.get(document.urgency, ""),
        upward=document.is_upward,
        signers=signer_names,
        main_recipients=_recipients(document, DistributionKind.MAIN, "、"),
        attachments=tuple(line.strip() for line in document.attachment_notes.splitlines() if line.strip()),
        note=document.note,
        cc=_recipients(document, DistributionKind.CC, "，"),
        printer_org=_organ(office),
        printed_date_text=date_text(printed),
        sealed=issued,
        seal_text=organ,
        verification_url=verification_url(document, copy_number) if issued else "",
        verification_code=(document.verification_code or "") if issued else "",
        watermark="" if issued else DRAFT_MARK,
    )


def copy_layout(layout: Layout, document: Document, copy_number: int | None) -> Layout:
    """``layout`` (an issued document's) as numbered copy ``copy_number``: its 份号 and its own
    verification address; laid out once, numbered per copy."""
    return replace(
        layout, copy_number=copy_label(copy_number), verification_url=verification_url(document, copy_number)
    )


def render(document: Document, fmt: str, *, copy: Distribution | None = None) -> bytes:
    """The document in ``fmt`` (``pdf`` or ``docx``): the file copy, or the numbered ``copy`` of a
    distribution. An issued PDF is the signed file stored at issue (its SHA-256 is what the
    verification page checks); anything else is laid out now."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    stored = copy.copy_pdf if copy is not None else document.issued_pdf
    if fmt == PDF and stored:
        try:
            with stored.open("rb") as handle:
                return handle.read()
        except OSError as missing:
            # Never a stand-in: a new render would carry neither the signature nor the stored hash.
            label = (copy or document).copy_label
            logger.error("The issued PDF of %s (份号 %s) is missing: %s", document.number, label or "-", missing)
            raise NotFound(_("The issued PDF file is missing from storage; tell the office.")) from missing
    layout = layout_of(document, copy.copy_number if copy is not None else None)
    return render_pdf(layout) if fmt == PDF else render_docx(layout)


def file_name(document: Document, fmt: str, *, copy: Distribution | None = None) -> str:
    """The download's name: the number (and a copy's 份号) when issued, else the title (ASCII-safe
    id as fallback)."""
    stem = document.number or document.title or f"document-{document.pk}"
    if copy is not None and copy.copy_number:
        stem = f"{stem} 份号{copy.copy_label}"
    stem = "".join(c for c in stem if c not in '\\/:*?"<>|\r\n')[:80] or f"document-{document.pk}"
    return f"{stem}.{fmt}"
